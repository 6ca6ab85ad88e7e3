{{/* The chart's name. */}}
{{- define "integrations.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's full name: the release name, with the chart's name unless it already holds it. */}}
{{- define "integrations.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "integrations.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{ include "integrations.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "integrations.selectorLabels" -}}
app.kubernetes.io/name: {{ include "integrations.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "integrations.secretName" -}}
{{- .Values.secrets.name | default (include "integrations.fullname" .) -}}
{{- end -}}

{{/* Which of the node's ports a role list serves: "edge", "dashboard", both or neither. */}}
{{- define "integrations.serves" -}}
{{- $roles := splitList "," (.roles | nospace | lower) -}}
{{- $all := has "all" $roles -}}
{{- if or $all (has "edge" $roles) }}edge {{ end -}}
{{- if or $all (has "dashboard" $roles) }}dashboard{{ end -}}
{{- end -}}

{{/*
A node's Deployment: dict "root" (the chart's context), "component" (edge, worker, scheduler) and "node" (its values).
Probes ask the channel port on an edge node, else the admin port; a node with neither role has no HTTP to ask.
*/}}
{{- define "integrations.deployment" -}}
{{- $root := .root -}}
{{- $serves := include "integrations.serves" .node -}}
{{- $edge := contains "edge" $serves -}}
{{- $dashboard := contains "dashboard" $serves -}}
{{- $probe := ternary "channels" "admin" $edge -}}
{{- $secret := include "integrations.secretName" $root -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "integrations.fullname" $root }}-{{ .component }}
  labels:
    {{- include "integrations.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
spec:
  replicas: {{ .node.replicas }}
  selector:
    matchLabels:
      {{- include "integrations.selectorLabels" $root | nindent 6 }}
      app.kubernetes.io/component: {{ .component }}
  template:
    metadata:
      labels:
        {{- include "integrations.selectorLabels" $root | nindent 8 }}
        app.kubernetes.io/component: {{ .component }}
      {{- if or $dashboard $root.Values.secrets.create }}
      annotations:
        {{- if $dashboard }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $root.Values.ports.admin | quote }}
        prometheus.io/path: /metrics
        {{- end }}
        {{- if $root.Values.secrets.create }}
        checksum/secret: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
        {{- end }}
      {{- end }}
    spec:
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
      containers:
        - name: esb
          image: "{{ $root.Values.image.repository }}:{{ $root.Values.image.tag | default $root.Chart.AppVersion }}"
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          securityContext:
            {{- toYaml $root.Values.securityContext | nindent 12 }}
          env:
            - name: ESB_ROLES
              value: {{ .node.roles | quote }}
            # Unique in the cluster, as the scheduler's instance id must be.
            - name: ESB_NODE_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: ESB_RABBITMQ
              valueFrom:
                secretKeyRef: { name: {{ $secret }}, key: rabbitmq }
            - name: ESB_POSTGRES
              valueFrom:
                secretKeyRef: { name: {{ $secret }}, key: postgres }
            - name: ESB_SECRET_KEY
              valueFrom:
                secretKeyRef: { name: {{ $secret }}, key: secret-key }
            {{- if $dashboard }}
            - name: ESB_ADMIN_PASSWORD
              valueFrom:
                secretKeyRef: { name: {{ $secret }}, key: admin-password }
            {{- end }}
            - name: ESB_SCHEMA
              value: {{ $root.Values.node.schema | quote }}
            - name: ESB_QUEUE_TYPE
              value: {{ $root.Values.node.queueType | quote }}
            - name: ESB_LOG_LEVEL
              value: {{ $root.Values.node.logLevel | quote }}
            - name: ESB_SCHEDULER_TAKEOVER
              value: {{ $root.Values.node.schedulerTakeover | quote }}
            - name: ESB_CHANNELS_URL
              value: "http://0.0.0.0:{{ $root.Values.ports.channels }}"
            - name: ESB_ADMIN_URL
              value: "http://0.0.0.0:{{ $root.Values.ports.admin }}"
            - name: ESB_DATA_DIR
              value: {{ $root.Values.dataDir | quote }}
            - name: ESB_PICKUP_DIR
              value: "{{ $root.Values.dataDir }}/pickup"
            - name: ESB_LOG_DIR
              value: {{ $root.Values.logDir | quote }}
            {{- with $root.Values.node.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- if or $edge $dashboard }}
          ports:
            {{- if $edge }}
            - name: channels
              containerPort: {{ $root.Values.ports.channels }}
              protocol: TCP
            {{- end }}
            {{- if $dashboard }}
            - name: admin
              containerPort: {{ $root.Values.ports.admin }}
              protocol: TCP
            {{- end }}
          # Until the node listens (it waits for PostgreSQL and RabbitMQ first): up to 5 minutes.
          startupProbe:
            httpGet: { path: /health/live, port: {{ $probe }} }
            periodSeconds: 5
            failureThreshold: 60
          livenessProbe:
            httpGet: { path: /health/live, port: {{ $probe }} }
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          # Connected to RabbitMQ, PostgreSQL answering, the configuration read.
          readinessProbe:
            httpGet: { path: /health/ready, port: {{ $probe }} }
            periodSeconds: 10
            timeoutSeconds: 5
            failureThreshold: 3
          {{- end }}
          resources:
            {{- toYaml .node.resources | nindent 12 }}
          volumeMounts:
            - { name: data, mountPath: {{ $root.Values.dataDir }} }
            - { name: logs, mountPath: {{ $root.Values.logDir }} }
            - { name: tmp, mountPath: /tmp }
      volumes:
        - { name: data, emptyDir: {} }
        - { name: logs, emptyDir: {} }
        - { name: tmp, emptyDir: {} }
      {{- with $root.Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}
