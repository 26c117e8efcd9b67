{{- define "frontend.fullname" -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{- define "frontend.selectorLabels" -}}
app.kubernetes.io/name: spacemesh-frontend
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: {{ .Values.component }}-frontend
{{- end -}}

{{- define "frontend.labels" -}}
{{ include "frontend.selectorLabels" . }}
app.kubernetes.io/part-of: spacemesh
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- with .Values.network.id }}
spacemesh.io/net-id: {{ . | quote }}
{{- end }}
{{- end -}}

{{- define "frontend.validate" -}}
{{- if not (has .Values.component (list "explorer" "dash")) }}{{ fail "component must be explorer or dash" }}{{ end -}}
{{- if not .Values.image }}{{ fail "image is required" }}{{ end -}}
{{- if not .Values.serviceAccountName }}{{ fail "serviceAccountName is required" }}{{ end -}}
{{- if and .Values.ingress.enabled (or (not .Values.ingress.host) (not .Values.ingress.tlsSecretName)) }}{{ fail "ingress.host and ingress.tlsSecretName are required: frontends are served over https only" }}{{ end -}}
{{- end -}}
