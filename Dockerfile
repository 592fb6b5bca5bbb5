# Multi-stage build: a static binary on a minimal image, run as a non-root user.
# Base images are pinned by version; README.md ("Docker") says how to pin
# them by digest as well.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# VERSION names the build in tiendo -version, the first log line and
# tiendo_build_info (docker build --build-arg VERSION=$(git describe --always)).
ARG VERSION=""
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X tiendo/bot.version=${VERSION}" -o /out/tiendo ./cmd/tiendo

FROM gcr.io/distroless/static-debian12:nonroot
# Time-zone data is also compiled into the binary (time/tzdata); this copy
# serves anything else that reads /usr/share/zoneinfo.
COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo
COPY --from=build /out/tiendo /usr/local/bin/tiendo
ENV TIENDO_TZ=Asia/Ho_Chi_Minh \
    TIENDO_HTTP_LISTEN=:9090
EXPOSE 9090
USER nonroot:nonroot
# Ready means Redis accepts a write and Telegram answered recently (/readyz);
# the image has no shell or curl, so the binary asks itself.
HEALTHCHECK --interval=30s --timeout=6s --start-period=20s --retries=3 \
    CMD ["/usr/local/bin/tiendo", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/tiendo"]
