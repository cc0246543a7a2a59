# syntax=docker/dockerfile:1.7
# Gitgate, the GitHub App. Multi-stage: build with dev dependencies, ship production ones only.
# `docker build -t gitgate:0.1.0 .` (the tag docs/operations.md and deploy/kubernetes use).
# Base images are pinned to exact releases; test/deploy/dockerfile.test.ts checks this file's stages.
# Keep in step with the `node` devDependency (the Node.js the tests run on).
ARG NODE_VERSION=24.21.0
# Keep in step with pinnedOpaVersion in src/opa/opa-binary.ts.
ARG OPA_VERSION=1.22.3

# The pinned OPA compiler, from the official image (a static binary at /opa): compiles the built-in packs
# at build time and repository policies at run time.
FROM openpolicyagent/opa:${OPA_VERSION}-static AS opa

# The render helper (kustomize and Helm at the versions tools/render/go.mod pins), a static binary.
FROM golang:1.26.8-bookworm AS render
WORKDIR /src
COPY tools/render ./
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags="-s -w" -o /gitgate-render .

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts off: `prepare` needs the sources, copied next; nothing else needs an install script.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
COPY policies ./policies
# `npm run build` also compiles the built-in packs to dist/policies/ with the pinned OPA (build:packs).
COPY --from=opa /opa /usr/local/bin/opa
RUN GITGATE_OPA=/usr/local/bin/opa npm run build

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    GITGATE_OPA=/usr/local/bin/opa \
    GITGATE_RENDER=/usr/local/bin/gitgate-render \
    GITGATE_CACHE_DIR=/tmp/gitgate-cache
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY schemas ./schemas
COPY policies ./policies
COPY app.yml ./
COPY --from=opa /opa /usr/local/bin/opa
COPY --from=render /gitgate-render /usr/local/bin/gitgate-render
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/app/main.js"]
