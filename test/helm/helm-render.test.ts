// Shows that the chart renderer of the tests (test/support/helm.ts) follows Go's text/template and
// Helm's functions on the subset the chart uses, and refuses what is outside it by name. Method:
// templates with the output Go and Helm give for them (from text/template's and Sprig's docs).
import { describe, expect, it } from 'vitest';
import { mergeValues, renderTemplate, TemplateError } from '../support/helm.js';

const data = {
  Values: { name: 'orders', count: 3, empty: '', zero: 0, list: ['a', 'b'], map: { z: 1, a: 2 }, nested: { on: true, off: false }, none: {} },
  Release: { Name: 'prod', Namespace: 'msg' },
};

describe('renderTemplate', () => {
  it.each([
    { template: 'x {{ .Values.name }} y', expected: 'x orders y', what: 'a field' },
    { template: 'a  \n {{- .Values.count -}} \n  b', expected: 'a3b', what: 'trim markers eat the whitespace and newlines beside them' },
    { template: 'a {{/* a comment */}} b {{- /* trimmed */}}c', expected: 'a  bc', what: 'comments' },
    { template: '{{ .Values.missing }}|{{ .Values.nested.missing.deeper }}', expected: '|', what: 'a missing value prints as nothing (Helm)' },
    { template: '{{ if .Values.empty }}yes{{ else if .Values.zero }}zero{{ else }}no{{ end }}', expected: 'no', what: "Go's truth: empty string and 0 are false" },
    { template: '{{ if .Values.none }}map{{ end }}{{ if .Values.list }}list{{ end }}', expected: 'list', what: 'an empty map is false, a list with items true' },
    { template: '{{ if and .Values.nested.on (not .Values.nested.off) }}both{{ end }}', expected: 'both', what: 'and, not, parentheses' },
    { template: '{{ or .Values.empty .Values.name }} {{ and .Values.count .Values.zero }}', expected: 'orders 0', what: 'or and and return an operand' },
    { template: '{{ range .Values.list }}[{{ . }}]{{ end }}', expected: '[a][b]', what: 'range over a list' },
    { template: '{{ range $i, $v := .Values.list }}{{ $i }}={{ $v }};{{ end }}', expected: '0=a;1=b;', what: 'range with index and element' },
    { template: '{{ range $k, $v := .Values.map }}{{ $k }}={{ $v }};{{ end }}', expected: 'a=2;z=1;', what: 'range over a map, in key order' },
    { template: '{{ range .Values.none }}x{{ else }}nothing{{ end }}', expected: 'nothing', what: 'range else' },
    { template: '{{ range $i := until 3 }}{{ add1 $i }}{{ end }}', expected: '123', what: 'until and add1' },
    { template: '{{ range .Values.list }}{{ $.Release.Name }}{{ end }}', expected: 'prodprod', what: '$ is the root inside range' },
    { template: '{{ with .Values.nested }}{{ .on }}{{ end }}{{ with .Values.empty }}x{{ else }}y{{ end }}', expected: 'truey', what: 'with and its else' },
    { template: '{{ $x := .Values.name }}{{ if true }}{{ $x = "inner" }}{{ $y := 1 }}{{ end }}{{ $x }}', expected: 'inner', what: 'variables: = assigns where declared' },
    { template: '{{ .Values.name | quote }} {{ quote .Values.count }}', expected: '"orders" "3"', what: 'quote' },
    { template: '{{ default "none" .Values.empty }} {{ default "none" .Values.name }}', expected: 'none orders', what: 'default' },
    { template: '{{ printf "%s-%d-%v" .Values.name .Values.count .Values.nested.on }}', expected: 'orders-3-true', what: 'printf' },
    { template: '{{ "abcdef-" | trunc 4 }} {{ "abc-" | trimSuffix "-" }} {{ contains "rd" "orders" }}', expected: 'abcd abc true', what: 'trunc, trimSuffix, contains' },
    { template: '{{ eq .Values.count 1 2 3 }} {{ ne .Values.name "x" }} {{ lt 1 2 }} {{ gt 1 2 }}', expected: 'true true true false', what: 'comparisons' },
    { template: '{{ add 1 2 3 }} {{ sub 5 2 }} {{ int "7" }} {{ "hi" | b64enc }}', expected: '6 3 7 aGk=', what: 'arithmetic and b64enc' },
    { template: 'a:{{ toYaml .Values.map | nindent 2 }}', expected: 'a:\n  a: 2\n  z: 1', what: 'toYaml (keys in order) and nindent' },
    { template: '{{ toYaml .Values.list | indent 4 }}|{{ toYaml .Values.none }}', expected: '    - a\n    - b|{}', what: 'indent, and an empty map' },
    { template: '{{ get .Values.map "a" }}|{{ get .Values.map "nope" }}|{{ get (dict "k" "v") "k" }}|{{ toYaml (dict) }}', expected: '2||v|{}', what: 'get (a missing key is empty) and dict' },
  ])('$what', ({ template, expected }) => {
    expect(renderTemplate(template, data)).toBe(expected);
  });

  it('includes a defined template with the data it is given', () => {
    const helpers = '{{- define "name" -}}{{ .Release.Name }}-{{ .Values.name }}{{- end -}}\n{{- define "labels" -}}\napp: {{ include "name" . }}\nns: {{ .Release.Namespace }}\n{{- end }}';
    expect(renderTemplate('metadata:\n  labels:\n    {{- include "labels" . | nindent 4 }}\n', data, helpers)).toBe('metadata:\n  labels:\n    app: prod-orders\n    ns: msg\n');
  });

  it.each([
    { template: '{{ required "tls.ca is needed" .Values.empty }}', message: 'tls.ca is needed' },
    { template: '{{ lookup "v1" "Secret" "" "x" }}', message: 'function "lookup" is outside the subset' },
    { template: '{{ template "x" . }}', message: '{{ template }} is outside the subset' },
    { template: '{{ include "nowhere" . }}', message: 'no template "nowhere" is defined' },
    { template: '{{ if .Values.name }}open', message: '{{ if }} without {{ end }}' },
    { template: '{{ end }}', message: '{{ end }} without an open action' },
    { template: '{{ .Values.map }}', message: 'prints a map; use toYaml' },
    { template: '{{ $nope }}', message: 'undefined variable $nope' },
    { template: '{{ .Values.name', message: 'is never closed' },
  ])('refuses $template: $message', ({ template, message }) => {
    expect(() => renderTemplate(template, data)).toThrow(TemplateError);
    expect(() => renderTemplate(template, data)).toThrow(message);
  });
});

describe('mergeValues', () => {
  it('merges maps key by key and replaces everything else', () => {
    expect(mergeValues({ a: { b: 1, c: [1] }, d: 'x' }, { a: { c: [2], e: true }, f: null })).toEqual({ a: { b: 1, c: [2], e: true }, d: 'x', f: null });
  });
});
