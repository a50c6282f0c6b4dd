/*
 * The passkey pages (login and /account/passkeys): runs the WebAuthn ceremony with
 * @simplewebauthn/browser, loaded just before as /static/simplewebauthn-browser.js, and sends
 * the result through the page's own form (hidden `response` field, CSRF field included), so
 * the server answers as for any form: the next page, or this page with a message.
 */
(() => {
  const form = document.querySelector('form[data-passkey]');
  if (!form) return;
  const lib = window.SimpleWebAuthnBrowser;
  const button = form.querySelector('button[type=submit]');
  const status = form.querySelector('.passkey__status');
  const say = (text, isError) => {
    if (!status) return;
    status.textContent = text || '';
    status.classList.toggle('passkey__status--error', Boolean(isError));
  };
  if (!lib?.browserSupportsWebAuthn()) {
    say(form.dataset.msgUnsupported, true);
    return;
  }
  for (const el of form.querySelectorAll('[hidden]')) el.hidden = false;

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    button.disabled = true;
    say(form.dataset.msgWorking, false);
    let optionsJSON;
    try {
      const res = await fetch(form.dataset.options, {
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { accept: 'application/json' },
      });
      if (!res.ok) {
        // an expired login or account session: the page itself says what to do next
        window.location.reload();
        return;
      }
      optionsJSON = await res.json();
    } catch {
      say(form.dataset.msgCancelled, true);
      button.disabled = false;
      return;
    }
    let result;
    try {
      result =
        form.dataset.passkey === 'register'
          ? await lib.startRegistration({ optionsJSON })
          : await lib.startAuthentication({ optionsJSON });
    } catch (err) {
      const exists = err && err.name === 'InvalidStateError' && form.dataset.msgExists;
      say(exists || form.dataset.msgCancelled, true);
      button.disabled = false;
      return;
    }
    form.elements.namedItem('response').value = JSON.stringify(result);
    form.submit();
  });
})();
