/*
 * The 自然人憑證 (card) pages: talks to the HiPKI local signer on the user's machine through
 * its popup protocol (reference §9.2) and sends the result through the page's own form.
 *
 *   1. On submit (a user gesture) open <signer>/popupForm.
 *   2. The popup posts {"func":"getTbs"}; we check its origin and answer with the sign request:
 *      PKCS7 over the nonce in data-tbs, SHA256, with the PIN typed here (the PIN field has no
 *      name: it goes to the local signer only, never to our server).
 *   3. The popup posts the result ({"func":"sign", ret_code, last_error, signature, certb64})
 *      and closes; we put it in the hidden fields and submit the form.
 *
 * No getTbs within 3.5 s means no signer is running (as the government script decides); a
 * blocked popup or a popup closed before its answer are reported the same way, through the
 * form, so the server shows every message from one catalogue.
 */
(() => {
  const form = document.querySelector('form[data-card-sign]');
  if (!form) return;
  let signerOrigin;
  try {
    signerOrigin = new URL(form.dataset.signer).origin;
  } catch {
    return;
  }
  const pin = form.querySelector('#card-pin');
  const button = form.querySelector('button[type=submit]');
  const status = form.querySelector('.card-sign__status');
  for (const el of form.querySelectorAll('[hidden]')) el.hidden = false;

  const GET_TBS_TIMEOUT_MS = 3500;
  let busy = false;

  const set = (name, value) => {
    const field = form.elements.namedItem(name);
    if (field) field.value = value === undefined || value === null ? '' : String(value);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy || !form.reportValidity()) return;
    busy = true;
    button.disabled = true;
    if (status) status.textContent = form.dataset.msgWorking || '';

    const popup = window.open(`${form.dataset.signer}/popupForm`, 'hipki-signer', 'width=480,height=360');
    let gotTbs = false;
    let timer;
    let watcher;
    let onMessage;

    const finish = (fields) => {
      if (!busy) return;
      busy = false;
      clearTimeout(timer);
      clearInterval(watcher);
      window.removeEventListener('message', onMessage);
      pin.value = '';
      for (const [name, value] of Object.entries(fields)) set(name, value);
      form.submit();
    };

    if (!popup) {
      finish({ client_error: 'popup_blocked' });
      return;
    }

    onMessage = (message) => {
      if (message.origin !== signerOrigin || message.source !== popup) return;
      let data;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      if (data.func === 'getTbs' && !gotTbs) {
        gotTbs = true;
        clearTimeout(timer);
        const request = {
          func: 'MakeSignature',
          signatureType: 'PKCS7',
          tbs: form.dataset.tbs,
          tbsEncoding: 'NONE',
          hashAlgorithm: 'SHA256',
          withCardSN: 'true',
          pin: pin.value,
          nonce: '',
        };
        popup.postMessage(JSON.stringify(request), signerOrigin);
        return;
      }
      if (data.func === 'sign') {
        finish({
          signature: data.signature,
          certificate: data.certb64,
          ret_code: data.ret_code,
          last_error: data.last_error,
        });
      }
    };
    window.addEventListener('message', onMessage);

    timer = setTimeout(() => {
      if (gotTbs) return;
      try {
        popup.close();
      } catch {
        // a popup on an error page of another origin may refuse; it is closed by the user then
      }
      finish({ client_error: 'no_signer' });
    }, GET_TBS_TIMEOUT_MS);

    // the user closed the popup before it answered; its last message may still be queued
    watcher = setInterval(() => {
      if (!popup.closed) return;
      clearInterval(watcher);
      setTimeout(() => finish({ client_error: gotTbs ? 'cancelled' : 'no_signer' }), 1000);
    }, 500);
  });
})();
