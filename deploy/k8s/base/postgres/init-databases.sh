#!/bin/sh
# Run once by the postgres image's entrypoint on an empty data folder (the Kubernetes StatefulSet and tye.yaml both
# mount this folder at /docker-entrypoint-initdb.d): one role and one database per service, so each service owns
# its store. The passwords come from the environment (the Secret), passed to psql as variables so that no quoting
# in a password can break the statement.
set -eu

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v incidents_password="$INCIDENTS_DB_PASSWORD" \
  -v analytics_password="$ANALYTICS_DB_PASSWORD" <<'SQL'
CREATE ROLE incidents LOGIN PASSWORD :'incidents_password';
CREATE ROLE analytics LOGIN PASSWORD :'analytics_password';
CREATE DATABASE incidents OWNER incidents;
CREATE DATABASE analytics OWNER analytics;
REVOKE ALL ON DATABASE incidents FROM PUBLIC;
REVOKE ALL ON DATABASE analytics FROM PUBLIC;
SQL

# PostGIS in the incident service's database, created here by the superuser: the service's own role may not create
# extensions, and without it the service only skips writing its grid boundaries as geometries (registry_grids).
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname incidents -c 'CREATE EXTENSION IF NOT EXISTS postgis;'
