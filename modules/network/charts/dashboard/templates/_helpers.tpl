{{- define "dashboard.fullname" -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{- define "dashboard.selectorLabels" -}}
app.kubernetes.io/name: spacemesh-dashboard
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: dash-backend
{{- end -}}

{{- define "dashboard.labels" -}}
{{ include "dashboard.selectorLabels" . }}
app.kubernetes.io/part-of: spacemesh
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- with .Values.network.id }}
spacemesh.io/net-id: {{ . | quote }}
{{- end }}
{{- end -}}

{{- define "dashboard.validate" -}}
{{- if not .Values.image }}{{ fail "image is required" }}{{ end -}}
{{- if not .Values.mongo.uri }}{{ fail "mongo.uri is required (the explorer's store)" }}{{ end -}}
{{- if not .Values.serviceAccountName }}{{ fail "serviceAccountName is required" }}{{ end -}}
{{- if and .Values.ingress.enabled (or (not .Values.ingress.host) (not .Values.ingress.tlsSecretName)) }}{{ fail "ingress.host and ingress.tlsSecretName are required: the dashboard API is served over https only" }}{{ end -}}
{{- end -}}
