# One Debian 12 image for every role of docker-compose.yml: archive-index, archive-serve,
# archive-search, the publish and pull scripts, nginx (the origin) and HAProxy (the front).
# Everything comes from Debian's packages; the binaries are built in the first stage.
FROM debian:12 AS build
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
      --no-install-recommends build-essential cmake pkg-config libxapian-dev \
      nlohmann-json3-dev libspdlog-dev libcli11-dev libcpp-httplib-dev libjwt-dev \
      libjemalloc-dev libboost1.74-dev libxml2-dev libcmark-dev libyaml-cpp-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
 && cmake --build build -j"$(nproc)" --target archive-index archive-search archive-serve

FROM debian:12-slim
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
      --no-install-recommends libxapian30 libjemalloc2 libjwt0 libspdlog1.10 libfmt9 \
      libcpp-httplib0.11 libxml2 libcmark0.30.2 libyaml-cpp0.7 xapian-tools curl \
      ca-certificates nginx-light haproxy gettext-base \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/bin/archive-index /src/build/bin/archive-search \
                  /src/build/bin/archive-serve /usr/local/bin/
COPY deploy/publish-generation.sh deploy/pull-generation.sh /usr/local/bin/
COPY deploy/haproxy.cfg deploy/nginx-origin.conf /etc/archive/
# Named volumes take the owner of the directory they are mounted on, so every role can
# run as this unprivileged user.
RUN useradd --system --uid 10001 --home-dir /nonexistent archive \
 && mkdir -p /index /srv/origin /run/archive \
 && chown archive:archive /index /srv/origin /run/archive
USER archive
ENV ARCHIVE_INDEX=/index ARCHIVE_LISTEN=0.0.0.0:8080
EXPOSE 8080
CMD ["archive-serve"]
