# syntax=docker/dockerfile:1
# dondoc in a container: a static-ish binary on Debian slim, run as a non-root user, the
# SQLite database on a volume. Build:   docker build -t dondoc .
# Run (see README, "Deploying with Docker"):
#   docker run -d --name dondoc -v dondoc-data:/var/lib/dondoc \
#     -e DONDOC_TELEGRAM__BOT_TOKEN=… -p 127.0.0.1:9464:9464 dondoc

FROM rust:1.95-bookworm AS build
WORKDIR /src
# Migrations are embedded at compile time (sqlx::migrate!), so the whole tree is needed.
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin dondoc \
    && install -m 0755 target/release/dondoc /usr/local/bin/dondoc

FROM debian:bookworm-slim
# CA roots for HTTPS to api.telegram.org; SQLite is compiled into the binary.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --create-home \
       --home-dir /var/lib/dondoc --shell /usr/sbin/nologin dondoc
COPY --from=build /usr/local/bin/dondoc /usr/local/bin/dondoc
COPY config/dondoc.toml /etc/dondoc/dondoc.toml
ENV DONDOC_CONFIG=/etc/dondoc/dondoc.toml \
    DONDOC_DATABASE__URL=sqlite:///var/lib/dondoc/dondoc.db \
    DONDOC_HTTP__LISTEN=0.0.0.0:9464 \
    DONDOC_LOG__FORMAT=json
WORKDIR /var/lib/dondoc
VOLUME ["/var/lib/dondoc"]
USER dondoc:dondoc
# 9464: /healthz and /metrics. 8443: the webhook listener, when telegram.webhook_url is set.
EXPOSE 9464 8443
# serve stops cleanly on SIGTERM (docker stop); give it the time to finish what it holds.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/dondoc"]
CMD ["serve"]
