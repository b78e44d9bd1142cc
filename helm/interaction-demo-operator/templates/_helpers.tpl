{{/* Chart name, or nameOverride. */}}
{{- define "ido.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: fullnameOverride, or <release>-<name> (just <release> when it already contains the name). */}}
{{- define "ido.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "ido.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of the operator's pods, and the Deployment's selector. */}}
{{- define "ido.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ido.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{/* Labels of every object. */}}
{{- define "ido.labels" -}}
helm.sh/chart: {{ include "ido.chart" . }}
{{ include "ido.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: interaction-demo
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "ido.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "ido.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "ido.leaseName" -}}
{{- default (include "ido.fullname" .) .Values.leaderElection.leaseName }}
{{- end }}

{{/* An image reference from {repository, tag, digest}: the digest wins, an empty tag is the appVersion. */}}
{{- define "ido.image" -}}
{{- $image := index . 0 -}}
{{- $root := index . 1 -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $image.repository $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $image.repository (default $root.Chart.AppVersion $image.tag) -}}
{{- end -}}
{{- end }}

{{/*
The permissions the operator needs in each namespace it watches: exactly the requests it makes. RbacTest proves
them sufficient, and each one needed, against a real API server:
- InteractionDemos: informer (list, watch), finalizer (patch: the operator adds and removes it itself, on
  Direct-mode demos only), status (patch). The owner references on the dependents don't block the owner's
  deletion, so no update on interactiondemos/finalizers is needed, even where the
  OwnerReferencesPermissionEnforcement admission plugin runs (e.g. OpenShift; RbacTest runs it).
- Deployments, Services, KafkaTopics: informers (list, watch) and server-side apply (patch; create when the apply
  creates). None is ever deleted by the operator: owner references let Kubernetes' garbage collector do it.
- InteractionLessons: informer (list, watch), finalizer (patch: java-operator-sdk adds it and removes it once a
  deleted lesson gave its switches back), status (patch). A lesson switches its demo's fields by server-side apply
  and takes its field manager out of the demo's managedFields with a JSON patch: both patch on interactiondemos,
  granted above; the demo is read from the informer, never with get.
- Events: one per (demo, reason), named after them, and one per line of a lesson's timeline: create (the first
  occurrence), get and patch (a repeat: its count read and bumped, with its last timestamp).
- KafkaUsers (kafka.user.managed): as KafkaTopics. An existing KafkaUser (kafka.user.name) is read with list.
- Secrets: get only, of the Secrets a demo names for Kafka (kafka.tls, kafka.authentication, a KafkaUser's), in
  the demo's namespace: its credentials for the operator's own readings. No list, no watch.
*/}}
{{- define "ido.watchRules" -}}
- apiGroups: [interactiondemo.dev]
  resources: [interactiondemos]
  verbs: [list, watch, patch]
- apiGroups: [interactiondemo.dev]
  resources: [interactiondemos/status]
  verbs: [patch]
- apiGroups: [interactiondemo.dev]
  resources: [interactionlessons]
  verbs: [list, watch, patch]
- apiGroups: [interactiondemo.dev]
  resources: [interactionlessons/status]
  verbs: [patch]
- apiGroups: [apps]
  resources: [deployments]
  verbs: [list, watch, create, patch]
- apiGroups: [""]
  resources: [services]
  verbs: [list, watch, create, patch]
- apiGroups: [kafka.strimzi.io]
  resources: [kafkatopics, kafkausers]
  verbs: [list, watch, create, patch]
- apiGroups: [""]
  resources: [secrets]
  verbs: [get]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [list, watch, create, patch, delete]
- apiGroups: [""]
  resources: [pods]
  verbs: [list, watch]
- apiGroups: [""]
  resources: [events]
  verbs: [create, get, patch]
{{- end }}

{{/* The namespaces of the demos' pods, as a NetworkPolicy's namespaceSelector: the watched ones, or all. */}}
{{- define "ido.demoNamespaceSelector" -}}
{{- if .Values.watchNamespaces -}}
matchExpressions:
  - key: kubernetes.io/metadata.name
    operator: In
    values:
      {{- toYaml .Values.watchNamespaces | nindent 6 }}
{{- else -}}
{}
{{- end -}}
{{- end }}

{{/* Checks of combinations the schema can't express. */}}
{{- define "ido.validate" -}}
{{- if and (gt (int .Values.replicas) 1) (not .Values.leaderElection.enabled) }}
{{- fail "replicas > 1 needs leaderElection.enabled: true (otherwise several operators reconcile the same resources)" }}
{{- end }}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.metrics.service.enabled) }}
{{- fail "metrics.serviceMonitor.enabled needs metrics.service.enabled" }}
{{- end }}
{{- if and .Values.networkPolicy.enabled (not .Values.networkPolicy.apiServer) }}
{{- fail "networkPolicy.enabled needs networkPolicy.apiServer, the addresses of the Kubernetes API server (kubectl get service,endpoints kubernetes -n default): without them the operator can't reach it" }}
{{- end }}
{{- if ne (len .Values.watchNamespaces) (len (uniq .Values.watchNamespaces)) }}
{{- fail (printf "watchNamespaces lists a namespace twice: %s" (join ", " .Values.watchNamespaces)) }}
{{- end }}
{{- end }}
