# retainctl as a static container image: distroless, no shell, non-root.
#   docker build --build-arg VERSION=v1.2.3 -t retainctl .
#   docker run --rm -v "$PWD:/work" retainctl validate --policies policies
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/retainctl ./cmd/retainctl

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/retainctl /usr/local/bin/retainctl
USER nonroot:nonroot
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/retainctl"]
