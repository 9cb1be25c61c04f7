#!/usr/bin/env bash
# Copies Apache Kafka's runtime jars (broker, CLIs, log4j2 binding) from Maven into a cache
# that later runs reuse offline.
source "$(dirname "$0")/lib.sh"

stamp="$SF_KAFKA_LIBS/.complete"
if [[ -f "$stamp" ]]; then exit 0; fi
command -v mvn >/dev/null || sf_die "Maven (mvn) is needed to fetch Kafka $SF_KAFKA_VERSION jars"
command -v java >/dev/null || sf_die "Java 17+ is needed to run the local Kafka broker"

sf_log "fetching Apache Kafka $SF_KAFKA_VERSION jars with Maven"
rm -rf "$SF_KAFKA_LIBS"
mkdir -p "$SF_KAFKA_LIBS"
mvn -B -q -Dstyle.color=never -f "$SF_ROOT/stack/kafka/pom.xml" dependency:copy-dependencies \
  -DincludeScope=runtime -Dmdep.prependGroupId=true -DoutputDirectory="$SF_KAFKA_LIBS"
touch "$stamp"
sf_log "Kafka jars: $(du -sh "$SF_KAFKA_LIBS" | cut -f1) in ${SF_KAFKA_LIBS#"$SF_ROOT"/}"
