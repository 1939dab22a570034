#!/usr/bin/env bash
# Run once by the postgres image on an empty data directory (docker-entrypoint-initdb.d), as its superuser.
# Two roles (ADR 0005): sequin_owner owns database 'sequin' and runs migrations; sequin_app is what the service
# connects as, and gets its privileges from 'migrate'. Neither is a superuser or may create roles or databases.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v owner_password="$SEQUIN_OWNER_PASSWORD" -v app_password="$SEQUIN_APP_PASSWORD" <<'SQL'
CREATE ROLE sequin_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'owner_password';
CREATE ROLE sequin_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'app_password';
CREATE DATABASE sequin OWNER sequin_owner;
SQL
