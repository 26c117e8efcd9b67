{{- define "api-node.fullname" -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{- define "api-node.selectorLabels" -}}
app.kubernetes.io/name: spacemesh-api-node
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "api-node.labels" -}}
{{ include "api-node.selectorLabels" . }}
app.kubernetes.io/component: api-node
app.kubernetes.io/part-of: spacemesh
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- with .Values.network.id }}
spacemesh.io/net-id: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* Fails the render when a value the chart cannot do without is missing or unsafe. */}}
{{- define "api-node.validate" -}}
{{- if not .Values.image }}{{ fail "image is required (e.g. spacemeshos/go-spacemesh:v1.7.6)" }}{{ end -}}
{{- if not .Values.nodeConfig }}{{ fail "nodeConfig is required (the API node config JSON)" }}{{ end -}}
{{- if not .Values.serviceAccountName }}{{ fail "serviceAccountName is required" }}{{ end -}}
{{- $priv := int .Values.ports.private -}}
{{- range $name, $p := dict "service.grpc.port" .Values.service.grpc.port "service.json.port" .Values.service.json.port "ports.grpc" .Values.ports.grpc "ports.json" .Values.ports.json -}}
{{- if eq (int $p) $priv }}{{ fail (printf "%s is %d, the node's private port: private services are never exposed" $name (int $p)) }}{{ end -}}
{{- end -}}
{{- if eq (int .Values.ports.grpc) (int .Values.ports.json) }}{{ fail "ports.grpc and ports.json must differ" }}{{ end -}}
{{- if .Values.ingress.enabled -}}
{{- if not .Values.ingress.host }}{{ fail "ingress.host is required when the ingress is enabled" }}{{ end -}}
{{- if not .Values.ingress.tlsSecretName }}{{ fail "ingress.tlsSecretName is required: the API is served over https only" }}{{ end -}}
{{- end -}}
{{- end -}}
