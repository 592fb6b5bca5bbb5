# Multi-stage build: a static binary on a minimal image, run as a non-root user.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/tiendo ./cmd/tiendo

FROM gcr.io/distroless/static-debian12:nonroot
# Time-zone data is also compiled into the binary (time/tzdata); this copy
# serves anything else that reads /usr/share/zoneinfo.
COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo
COPY --from=build /out/tiendo /usr/local/bin/tiendo
ENV TIENDO_TZ=Asia/Ho_Chi_Minh
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/tiendo"]
