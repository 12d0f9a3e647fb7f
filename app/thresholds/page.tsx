import { ActionForm } from '@/app/components/ActionForm'
import { RULE_IDS, RULES } from '@/lib/alerts/rules'
import { mayDo } from '@/lib/auth/actor'
import { currentActor } from '@/lib/auth/current'
import { thresholdChanges, thresholdSettings } from '@/lib/thresholds/change'
import type { ThresholdSettings } from '@/lib/thresholds/settings'
import { changeThresholdsAction } from './actions'
import { RULE_FIELDS, THRESHOLD_FIELDS, valueAt, type NumberField } from './fields'

export const dynamic = 'force-dynamic'

const when = (d: Date) => d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')

export default async function ThresholdsPage() {
  const actor = await currentActor('reports:read')
  const inForce = await thresholdSettings(actor)
  const changes = await thresholdChanges(actor)
  const editable = mayDo(actor, 'thresholds:write')
  const s = inForce.settings
  return (
    <>
      <h1>Thresholds</h1>
      <p className="lede">
        What the evidence is judged against and when an alert fires. Reports name the version in force. Security and admin staff change them, always
        with a reason; each change is a new version, in the history below and in the <a href="/audit">audit trail</a>.
      </p>
      <p data-testid="threshold-version">
        Version <strong>{inForce.version}</strong>
        {inForce.changedAt ? ` — ${when(inForce.changedAt)} by ${inForce.changedBy}: ${inForce.reason}` : ' — the defaults, never changed'}
      </p>
      {editable ? (
        <ActionForm action={changeThresholdsAction} label="Change thresholds">
          <SettingsFields settings={s} editable />
          <div className="row">
            <label htmlFor="threshold-reason">Reason for this change (required)</label>
            <input id="threshold-reason" name="reason" required maxLength={2000} size={60} />
            <button type="submit">Save a new version</button>
          </div>
        </ActionForm>
      ) : (
        <div>
          <SettingsFields settings={s} editable={false} />
          <p className="muted">Only security and admin staff change thresholds.</p>
        </div>
      )}
      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title">Change history</h2>
        <p><a href="/thresholds/history" download>Download every change (CSV)</a></p>
        {changes.length === 0 ? (
          <p className="empty">No changes: the defaults are in force.</p>
        ) : (
          <table>
            <thead>
              <tr><th>Version</th><th>When (UTC)</th><th>Who</th><th>Threshold</th><th>Old</th><th>New</th><th>Reason</th></tr>
            </thead>
            <tbody>
              {changes.map((c) => (
                <tr key={`${c.version}-${c.key}`} data-testid="threshold-change">
                  <td>{c.version}</td>
                  <td>{when(c.changedAt)}</td>
                  <td>{c.changedBy}</td>
                  <td><code>{c.key}</code></td>
                  <td>{JSON.stringify(c.old)}</td>
                  <td>{JSON.stringify(c.new)}</td>
                  <td>{c.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}

function SettingsFields({ settings, editable }: { settings: ThresholdSettings; editable: boolean }) {
  return (
    <>
      <fieldset disabled={!editable} className="card">
        <legend>Evidence thresholds</legend>
        {THRESHOLD_FIELDS.map((f) => <Field key={f.path} field={f} settings={settings} />)}
      </fieldset>
      <fieldset disabled={!editable} className="card">
        <legend>Alert rules</legend>
        {RULE_IDS.map((rule) => (
          <div key={rule} className="threshold-rule">
            <label>
              <input type="checkbox" name={`alert_rules.${rule}.enabled`} defaultChecked={settings.alert_rules[rule].enabled} /> <strong>{RULES[rule].title}</strong>{' '}
              <small className="muted">({rule}, {RULES[rule].severity})</small>
            </label>
            <p className="muted">{RULES[rule].explains}</p>
            {RULE_FIELDS[rule].map((f) => <Field key={f.path} field={f} settings={settings} />)}
          </div>
        ))}
      </fieldset>
    </>
  )
}

function Field({ field, settings }: { field: NumberField; settings: ThresholdSettings }) {
  const id = `threshold-${field.path.replace(/\./g, '-')}`
  return (
    <div className="threshold-field">
      <label htmlFor={id}>
        {field.label} <small className="muted">({field.unit})</small>
      </label>
      <input id={id} name={field.path} type="number" step={field.step} min={0} required defaultValue={String(valueAt(settings, field.path))} />
      <p className="muted">{field.explains}</p>
    </div>
  )
}
