#!/usr/bin/env bash
# Set everything up and ingest PATH... (default: the FinanceBench filings in ../shared/corpus) into the embedded
# Qdrant store at data/qdrant, then list what is stored. No server is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ $# -eq 0 ]; then
  set -- ../shared/corpus/financebench/pdfs
fi
status=0
.venv/bin/docsight ingest "$@" --report data/ingest-report.json || status=$?
.venv/bin/docsight docs list
echo "report: data/ingest-report.json"
exit $status
