// @koa/multer ships no types: it is multer with Koa middleware, so multer's option types apply.
declare module '@koa/multer' {
  import type { Middleware } from 'koa';
  import type { Options, StorageEngine } from 'multer';

  interface KoaMulter {
    single(field: string): Middleware;
  }
  interface KoaMulterFactory {
    (options?: Options): KoaMulter;
    memoryStorage(): StorageEngine;
  }
  const multer: KoaMulterFactory;
  export default multer;
}
