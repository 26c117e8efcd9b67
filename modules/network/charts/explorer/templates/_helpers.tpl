{{- define "explorer.fullname" -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "explorer.labels" -}}
app.kubernetes.io/part-of: spacemesh
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ .root.Chart.Name }}-{{ .root.Chart.Version }}
{{ include "explorer.selectorLabels" . }}
{{- with .root.Values.network.id }}
spacemesh.io/net-id: {{ . | quote }}
{{- end }}
{{- end -}}

{{- define "explorer.selectorLabels" -}}
app.kubernetes.io/name: spacemesh-explorer
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "explorer.mongoURI" -}}
mongodb://{{ include "explorer.fullname" . }}-mongo:27017
{{- end -}}

{{- define "explorer.validate" -}}
{{- if not .Values.node.image }}{{ fail "node.image is required" }}{{ end -}}
{{- if not .Values.node.config }}{{ fail "node.config is required (the node config JSON)" }}{{ end -}}
{{- if not .Values.collector.image }}{{ fail "collector.image is required" }}{{ end -}}
{{- if not .Values.apiserver.image }}{{ fail "apiserver.image is required" }}{{ end -}}
{{- if not .Values.serviceAccountName }}{{ fail "serviceAccountName is required" }}{{ end -}}
{{- if eq (int .Values.apiserver.port) (int .Values.node.ports.private) }}{{ fail "apiserver.port must not be the node's private port" }}{{ end -}}
{{- if and .Values.ingress.enabled (or (not .Values.ingress.host) (not .Values.ingress.tlsSecretName)) }}{{ fail "ingress.host and ingress.tlsSecretName are required: the explorer API is served over https only" }}{{ end -}}
{{- end -}}

{{- define "explorer.podSecurity" -}}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "explorer.containerSecurity" -}}
allowPrivilegeEscalation: false
capabilities:
  drop: ["ALL"]
{{- end -}}
