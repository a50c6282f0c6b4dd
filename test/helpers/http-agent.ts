/**
 * A browser-less user agent for protocol tests and the benchmark: a cookie jar over fetch
 * with manual redirects, so each hop of the login flow can be followed and inspected.
 */
export interface AgentResponse {
  status: number;
  location: string | undefined;
  body: string;
  headers: Headers;
  url: string;
}

export class HttpAgent {
  private readonly jar = new Map<string, string>();

  constructor(
    private readonly base: string,
    private readonly userAgent = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0',
  ) {}

  private cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private store(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  async request(
    url: string,
    init: {
      method?: string;
      form?: Record<string, string>;
      headers?: Record<string, string>;
      /** a multipart upload (FormData sets its own content type) or another raw body */
      body?: FormData | string;
    } = {},
  ) {
    const target = new URL(url, this.base).toString();
    const res = await fetch(target, {
      method: init.method ?? (init.form || init.body !== undefined ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        cookie: this.cookieHeader(),
        'user-agent': this.userAgent,
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...init.headers,
      },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
      ...(!init.form && init.body !== undefined ? { body: init.body } : {}),
    });
    this.store(res.headers);
    const location = res.headers.get('location') ?? undefined;
    return {
      status: res.status,
      location: location ? new URL(location, target).toString() : undefined,
      body: await res.text(),
      headers: res.headers,
      url: target,
    } satisfies AgentResponse;
  }

  /** Follows redirects within our own origin; stops at the first redirect elsewhere (the RP). */
  async follow(url: string, init: Parameters<HttpAgent['request']>[1] = {}): Promise<AgentResponse> {
    let res = await this.request(url, init);
    while (res.status >= 300 && res.status < 400 && res.location?.startsWith(this.base)) {
      res = await this.request(res.location);
    }
    return res;
  }

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }
}

export function csrfFrom(html: string): string {
  const match = /name="csrf"\s+value="([^"]+)"/.exec(html) ?? /value="([^"]+)"\s+name="csrf"/.exec(html);
  if (!match?.[1]) throw new Error('no csrf field in page');
  return match[1];
}

export function formActionFrom(html: string, contains: string): string {
  const actions = [...html.matchAll(/<form[^>]*action="([^"]+)"/g)].map((m) =>
    m[1]!.replaceAll('&amp;', '&'),
  );
  const action = actions.find((a) => a.includes(contains));
  if (!action) throw new Error(`no form with action containing ${contains}`);
  return action;
}

/** Fills and submits the password login form of a login page. */
export function submitLoginForm(agent: HttpAgent, loginPageHtml: string, username: string, password: string) {
  return agent.follow(formActionFrom(loginPageHtml, '/password'), {
    form: { username, password, csrf: csrfFrom(loginPageHtml) },
  });
}
