/**
 * Endpoint paths. The MOE education cloud paths (reference §1.1) so that school RPs
 * written against oidc.tanet.edu.tw work by changing only the host.
 */
export const OIDC_ROUTES = {
  authorization: '/oidc/v1/azp',
  token: '/oidc/v1/token',
  userinfo: '/oidc/v1/userinfo',
  jwks: '/oidc/v1/jwksets',
  end_session: '/oidc/v1/logout',
  introspection: '/oidc/v1/introspect',
  revocation: '/oidc/v1/revoke',
  pushed_authorization_request: '/oidc/v1/par',
} as const;

/** Logout paths used by MOE and county RPs, all served by end_session (reference §1.3). */
export const LOGOUT_ALIASES = ['/oidc/v1/userlogout', '/oidc/v1/logout-to-go', '/auth-logout'] as const;

/** Parameter spellings some RPs send (reference §5.5), renamed before oidc-provider sees them. */
export const PARAMETER_ALIASES: Record<string, string> = {
  Id_token_hint: 'id_token_hint',
  post_logout_redirect_url: 'post_logout_redirect_uri',
};

export const interactionPath = (uid: string) => `/interaction/${uid}`;
