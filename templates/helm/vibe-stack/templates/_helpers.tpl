{{/*
Contract data written in by vibe from its platform contract (sizes, ports, images, the enabled
stores). Do not edit: change vibe.yaml and run `vibe generate`.
*/}}

{{/* T-shirt sizes: requests and limits of one container. */}}
{{- define "vibe.sizes" -}}
[%- for s in sizes %]
[[ s.id ]]:
  requests:
    cpu: [[ s.cpu_request ]]
    memory: [[ s.memory_request ]]
  limits:
    cpu: [[ s.cpu_limit ]]
    memory: [[ s.memory_limit ]]
[%- endfor %]
{{- end -}}

{{/* The smallest size: exporters, the nginx front and the wait-for initContainers. */}}
{{- define "vibe.smallSize" -}}
[%- set smallest = sizes | first %][[ smallest.id ]]
{{- end -}}

{{/* Ports of the platform contract. */}}
{{- define "vibe.ports" -}}
http: [[ ports.http ]]
mgmt: [[ ports.mgmt ]]
nginx: [[ ports.nginx ]]
{{- end -}}

{{/* Platform component images (all from the registry mirror, exact tags). */}}
{{- define "vibe.images" -}}
[%- for name in images | keys | sort %]
[[ name ]]: [[ images[name] ]]
[%- endfor %]
{{- end -}}

{{/* The stores this chart was generated with: id -> port, data dir, disk, exporter. */}}
{{- define "vibe.stores" -}}
[%- for s in app.stores %]
[[ s.id ]]:
  port: [[ s.port ]]
  image: [[ s.image ]]
  stateful: [[ s.stateful ]]
[%- if s.stateful %]
  dataDir: [[ s.data_dir ]]
  storage: [[ s.storage ]]
[%- endif %]
[%- if s.url_pattern %]
  url: "[[ s.url_pattern ]]"
  urlVars:
[%- for name in s.url_vars %]
    - [[ name ]]
[%- endfor %]
[%- endif %]
[%- if s.exporter %]
  exporter:
    id: [[ s.exporter.id ]]
    port: [[ s.exporter.port ]]
    image: [[ s.exporter.image ]]
[%- endif %]
[%- endfor %]
{{- end -}}

{{/* Resources block for a size id: include "vibe.resources" "md" */}}
{{- define "vibe.resources" -}}
{{- $sizes := include "vibe.sizes" . | fromYaml -}}
{{- $size := get $sizes . -}}
{{- if not $size }}{{ fail (printf "unknown size %q: use one of %s" . (keys $sizes | sortAlpha | join ", ")) }}{{ end -}}
{{- toYaml $size }}
{{- end -}}

{{/* Standard labels: include "vibe.labels" (list $ "app") */}}
{{- define "vibe.labels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ $root.Values.app.slug }}
app.kubernetes.io/component: {{ index . 1 }}
app.kubernetes.io/part-of: {{ $root.Values.app.slug }}
app.kubernetes.io/managed-by: vibe
{{- end -}}

{{/* Selector labels: include "vibe.selector" (list $ "app") */}}
{{- define "vibe.selector" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ $root.Values.app.slug }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/* Enabled stores in the contract's order (database, redis, rabbitmq), each with its settings.
     A store switched on here but absent when vibe generated the chart fails with a clear message. */}}
{{- define "vibe.enabledStores" -}}
{{- $catalog := include "vibe.stores" . | fromYaml -}}
{{- $ids := list -}}
{{- if ne .Values.database.engine "none" }}{{ $ids = append $ids .Values.database.engine }}{{ end -}}
{{- if .Values.components.redis }}{{ $ids = append $ids "redis" }}{{ end -}}
{{- if .Values.components.rabbitmq }}{{ $ids = append $ids "rabbitmq" }}{{ end -}}
{{- $out := list -}}
{{- range $ids -}}
{{- $s := get $catalog . -}}
{{- if not $s }}{{ fail (printf "%s is switched on in values.yaml, but this chart was generated without it: add it in vibe.yaml and run `vibe generate`" .) }}{{ end -}}
{{- $out = append $out (merge (dict "id" . "service" (printf "%s-%s" $.Values.app.slug .) "pvc" (printf "%s-%s-data" $.Values.app.slug .)) $s) -}}
{{- end -}}
{{- dict "stores" $out | toYaml -}}
{{- end -}}

{{/* A store's connection string, its pattern filled in from the values: include "vibe.storeUrl" (list $ $store) */}}
{{- define "vibe.storeUrl" -}}
{{- $root := index . 0 -}}
{{- $store := index . 1 -}}
{{- $store.url | replace "{user}" $root.Values.database.user | replace "{host}" $store.service | replace "{port}" (toString $store.port) | replace "{db}" $root.Values.database.name -}}
{{- end -}}

{{/* Pod securityContext for a uid: include "vibe.podSecurity" 999 */}}
{{- define "vibe.podSecurity" -}}
runAsNonRoot: true
runAsUser: {{ . }}
runAsGroup: {{ . }}
fsGroup: {{ . }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container securityContext. */}}
{{- define "vibe.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop:
    - ALL
{{- end -}}
