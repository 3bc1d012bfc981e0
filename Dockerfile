# One image for every Spate app; the command picks the app (spate, gateway, shard-broker).
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN NX_DAEMON=false NX_NO_CLOUD=true npx nx run-many -t build -p spate gateway shard-broker

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production SPATE_HOST=0.0.0.0 SPATE_BROKER_HOST=0.0.0.0 SPATE_DATA_DIR=/data
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY docker/entrypoint.sh /usr/local/bin/spate
VOLUME /data
EXPOSE 4566 4600 4601
ENTRYPOINT ["spate"]
CMD ["spate"]
