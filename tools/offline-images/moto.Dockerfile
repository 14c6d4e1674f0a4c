# A local equivalent of the official motoserver/moto:<version> image, from packages only (Docker
# Hub unreachable). Built by `npm run images:offline` (tools/src/install/offline-images.ts) on the
# Debian trixie slim root filesystem it made: Debian's python3 (python-is-python3 gives the
# `python` command compose's health check runs, as the official python base has it) and
# moto[server] from PyPI at the pin in tools/emulator/requirements.txt. Same entrypoint and port
# as the official image.
ARG BASE=debian:trixie-slim
FROM ${BASE}
ARG MOTO_VERSION
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 python3-pip python-is-python3 \
  && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
# An extra CA (a TLS-intercepting proxy) is a build secret: it exists only during this RUN and is
# in no layer. Without one, pip uses its own bundle.
RUN --mount=type=secret,id=extra-ca \
  if [ -s /run/secrets/extra-ca ]; then export PIP_CERT=/run/secrets/extra-ca; fi \
  && pip install --no-cache-dir --disable-pip-version-check --break-system-packages --root-user-action=ignore \
    "moto[server]==${MOTO_VERSION}" \
  && python -c "import moto, sys; sys.exit(moto.__version__ != '${MOTO_VERSION}')"
ENV PYTHONUNBUFFERED=1
ENTRYPOINT ["/usr/local/bin/moto_server", "-H", "0.0.0.0"]
EXPOSE 5000
