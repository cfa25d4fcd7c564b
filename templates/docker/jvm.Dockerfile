# Container image for {{ app.name }} ({{ app.runtime.label }}).
{%- if app.build.gradle_task %}
# Two stages: "build" packages the application jar with the repo's Gradle wrapper (gradlew);
# the final stage is a Java runtime (JRE only, no compiler, no Gradle) and runs as a non-root user.
# The jar must be executable with `java -jar` (Spring Boot's bootJar, or a jar with a Main-Class).
{%- else %}
# Two stages: "build" packages the application jar with Maven from pom.xml; the final stage
# is a Java runtime (JRE only, no compiler, no Maven) and runs as a non-root user.
# The jar must be executable with `java -jar` (spring-boot-maven-plugin or maven-shade-plugin).
{%- endif %}

# The platform's cluster nodes are linux/amd64 only, so every stage is built for amd64.
# hadolint ignore=DL3029
FROM --platform=linux/amd64 {{ app.runtime.build_image }} AS build
# bash with pipefail: a failing command inside a pipe fails the build.
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
WORKDIR /src
{%- if app.build.gradle_task %}
# The wrapper and the build scripts first: the Gradle version and the dependencies they pin.
# chmod: a gradlew committed from Windows has no executable bit, and `./gradlew` would be refused.
COPY gradlew settings.gradle* build.gradle* gradle.properties* ./
COPY gradle ./gradle
RUN chmod +x gradlew
COPY src ./src
# Tests are skipped here (`{{ app.build.gradle_task }}` runs none): they may need the database, which a container build cannot reach.
# The jar to run is the single jar in build/libs that is not a plain, sources or javadoc copy.
RUN ./gradlew --no-daemon {{ app.build.gradle_task }} \
    && mkdir -p /out \
    && jars="$(find build/libs -maxdepth 1 -type f -name '*.jar' ! -name '*-plain.jar' ! -name '*-sources.jar' ! -name '*-javadoc.jar')" \
    && if [ "$(printf '%s\n' "$jars" | grep -c .)" -ne 1 ]; then echo "expected exactly one application jar in build/libs, found: $jars" >&2; exit 1; fi \
    && cp "$jars" /out/app.jar
{%- else %}
# Dependencies are the versions pinned in pom.xml.
COPY pom.xml ./
COPY src ./src
# Tests are skipped here: they may need the database, which a container build cannot reach.
# The jar to run is the single jar in target/ that is not a sources, javadoc, tests or "original-" copy.
RUN mvn -B -ntp -DskipTests package \
    && mkdir -p /out \
    && jars="$(find target -maxdepth 1 -type f -name '*.jar' ! -name 'original-*' ! -name '*-sources.jar' ! -name '*-javadoc.jar' ! -name '*-tests.jar')" \
    && if [ "$(printf '%s\n' "$jars" | grep -c .)" -ne 1 ]; then echo "expected exactly one application jar in target/, found: $jars" >&2; exit 1; fi \
    && cp "$jars" /out/app.jar
{%- endif %}

# The platform's cluster nodes are linux/amd64 only.
# hadolint ignore=DL3029
FROM --platform=linux/amd64 {{ app.runtime.run_image }}
WORKDIR /app
# An unprivileged user with a fixed numeric id; the Kubernetes pod runs as the same id.
RUN groupadd --system --gid 10001 app \
    && useradd --system --no-log-init --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin app
# The jar stays owned by root: the app can read it but not change it.
COPY --from=build /out/app.jar /app/app.jar
USER 10001:10001
# {{ ports.http }}: the app and GET /metrics; {{ ports.mgmt }}: /readiness, /liveness, /info, /shutdown.
EXPOSE {{ ports.http }} {{ ports.mgmt }}
# The JVM sizes its heap from the container's memory limit (75% of it).
# Starts the jar as `{{ app.build.start }}` does ({{ app.build.start_source }}). To change it
# (e.g. add a Spring profile), set start: in vibe.yaml, e.g.
#   start: java -jar target/app.jar --spring.profiles.active=prod
# and run `vibe generate`.
ENTRYPOINT {{ app.build.jvm_entry }}
