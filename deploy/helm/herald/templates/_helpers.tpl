{{/* The name of every object of the release: the release name when it holds the chart's name,
     else release-chart (Kubernetes names: at most 63 characters). */}}
{{- define "herald.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The headless Service that gives each pod its DNS name (peers address each other by it). */}}
{{- define "herald.headless" -}}
{{- include "herald.fullname" . | trunc 54 | trimSuffix "-" -}}-headless
{{- end -}}

{{- define "herald.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "herald.labels" -}}
{{ include "herald.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The node id, in the pod's shell: its StatefulSet ordinal plus one (pod herald-0 is node 1). */}}
{{- define "herald.nodeIdShell" -}}
$(( ${HOSTNAME##*-} + 1 ))
{{- end -}}
