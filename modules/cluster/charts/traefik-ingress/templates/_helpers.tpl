{{- define "traefik-ingress.labels" -}}
app.kubernetes.io/name: traefik-ingress
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "traefik-ingress.containerPort" -}}
{{- if lt (int .) 1024 }}{{ add (int .) 8000 }}{{ else }}{{ int . }}{{ end -}}
{{- end -}}
