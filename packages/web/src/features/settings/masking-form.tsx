import type { MaskingRuleKind, MaskingRuleTestResult } from '@synctrail/types';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { FlaskConical, Plus } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { CodeView } from '@/components/code-view';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Textarea } from '@/components/ui/textarea';
import { bodyKind } from '@/lib/body';
import { formatCount } from '@/lib/format';
import { FormError, FormField } from './form-parts';
import { KIND_HINTS, KIND_LABELS, KIND_PLACEHOLDERS } from './masking-kinds';
import { addMaskingRule, maskingRulesQuery, testMaskingRule, refreshAfterWrite } from './settings.queries';

const KINDS = Object.keys(KIND_LABELS) as MaskingRuleKind[];

function TestResult({ result }: { result: MaskingRuleTestResult }) {
  const summary =
    result.byRule > 0
      ? `This rule masked ${formatCount(result.byRule)} ${result.byRule === 1 ? 'value' : 'values'} in the sample.`
      : result.changed
        ? 'This rule masks nothing in the sample; the built-in rules (passwords, tokens, card numbers…) masked what is marked.'
        : 'This rule masks nothing in the sample: nothing would change.';
  return (
    <div className="flex flex-col gap-2" data-testid="masking-test-result">
      <p
        role="status"
        className={
          result.byRule > 0
            ? 'rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-900'
            : 'rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950'
        }
      >
        {summary}
      </p>
      <CodeView text={result.masked} label="Masked sample" kind={bodyKind(result.masked, undefined)} />
    </div>
  );
}

/** Adds a masking rule, after trying it on a sample payload if one wants (nothing is stored by a test). */
export function MaskingForm({ organizationId }: { organizationId: string }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<MaskingRuleKind>('field');
  const [match, setMatch] = useState('');
  const [sample, setSample] = useState('');
  const [tried, setTried] = useState(false);
  const add = useMutation({
    mutationFn: () => addMaskingRule(organizationId, { name: name.trim(), kind, match }),
    onSuccess: async () => {
      setName('');
      setMatch('');
      setTried(false);
      test.reset();
      await refreshAfterWrite(queryClient, maskingRulesQuery(organizationId).queryKey);
    },
  });
  const test = useMutation({ mutationFn: () => testMaskingRule(organizationId, { kind, match, sample }) });
  const nameError = name.trim() === '' ? 'Name the rule, e.g. "ACME tenant keys".' : null;
  const matchError =
    match === '' ? `Enter the ${kind === 'field' ? 'field name' : 'regular expression'}.` : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (nameError === null && matchError === null) add.mutate();
  };

  return (
    <form
      onSubmit={submit}
      aria-label="Add a masking rule"
      noValidate
      className="flex flex-col gap-3 rounded-md border border-border p-4"
    >
      <h3 className="text-sm font-semibold">Add a masking rule</h3>
      <div className="grid gap-3 md:grid-cols-[1fr_11rem_1.4fr]">
        <FormField label="Name" error={tried ? nameError : null}>
          {(control) => (
            <Input
              {...control}
              value={name}
              maxLength={200}
              placeholder="ACME tenant keys"
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </FormField>
        <FormField label="Kind">
          {({ id, ...aria }) => (
            <Select
              value={kind}
              onValueChange={(v) => {
                setKind(v as MaskingRuleKind);
                test.reset();
              }}
            >
              <SelectTrigger id={id} {...aria}>
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {KINDS.map((k) => (
                  <SelectItem key={k} value={k}>
                    {KIND_LABELS[k]}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          )}
        </FormField>
        <FormField label="Match" hint={KIND_HINTS[kind]} error={tried ? matchError : null}>
          {(control) => (
            <Input
              {...control}
              value={match}
              maxLength={500}
              className="font-mono"
              placeholder={KIND_PLACEHOLDERS[kind]}
              onChange={(e) => {
                setMatch(e.target.value);
                test.reset();
              }}
            />
          )}
        </FormField>
      </div>
      <FormField
        label="Sample payload"
        optional
        hint="Paste a request or response body (JSON, a form, any text) to see what this rule would mask. Nothing is stored."
      >
        {(control) => (
          <Textarea
            {...control}
            rows={6}
            value={sample}
            maxLength={100_000}
            placeholder={'{ "tenant": "ACME-204518", "x-acme-key": "k-77f1" }'}
            onChange={(e) => {
              setSample(e.target.value);
              test.reset();
            }}
          />
        )}
      </FormField>
      {test.isSuccess && <TestResult result={test.data} />}
      <FormError error={test.error ?? add.error} />
      {add.isSuccess && (
        <p role="status" className="text-sm text-green-800">
          Rule “{add.data.name}” added: it applies to data received from now on.
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <Button
          variant="outline"
          disabled={match === '' || sample === '' || test.isPending}
          title={match === '' || sample === '' ? 'Enter a match and a sample first' : undefined}
          onClick={() => test.mutate()}
        >
          <FlaskConical aria-hidden /> Test rule
        </Button>
        <Button type="submit" disabled={add.isPending}>
          <Plus aria-hidden /> Add rule
        </Button>
      </div>
    </form>
  );
}
