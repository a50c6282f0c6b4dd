/** The hosted pages' public surface: the server imports everything from here. */
export * from './change-password.js';
export * from './consent.js';
export * from './error.js';
export * from './fragments.js';
export * from './html.js';
export * from './i18n.js';
export * from './layout.js';
export * from './login.js';
export * from './logout.js';
