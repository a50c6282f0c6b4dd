# syntax=docker/dockerfile:1
# edu-idp: the TypeScript sources run through tsx's loader (bin/edu-idp.js), so there is no
# build step; tsx is a regular dependency and stays in the image with `npm ci --omit=dev`.

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# argon2 ships prebuilt binaries for linux x64/arm64 (glibc): no compiler needed
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
# application files stay owned by root: the service user can read them, not change them
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY views ./views
COPY migrations ./migrations
# DATA_DIR holds the login-record spool (and, without DATABASE_URL, the evaluation-mode
# embedded database and generated secrets)
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# no curl in the slim image: Node's fetch does the probe
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "bin/edu-idp.js", "serve"]
