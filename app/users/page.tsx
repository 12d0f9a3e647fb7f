import { roles } from '@/db/schema'
import { currentActor } from '@/lib/auth/current'
import { usersForAdmin, type ManagedUser } from '@/lib/users/manage'
import { changeRoleAction, inviteUserAction, setDisabledAction } from './actions'
import { ActionForm } from '@/app/components/ActionForm'

export const dynamic = 'force-dynamic'

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '—')

export default async function UsersPage() {
  const actor = await currentActor('users:manage')
  const people = await usersForAdmin(actor)
  return (
    <>
      <h1>Users</h1>
      <p className="lede">
        Who may use Custody, and with which role. Changes apply on each person&apos;s next request; every change is in the{' '}
        <a href="/audit">audit trail</a>. Single-sign-on users get their role from their identity-provider groups again at each sign-in.
      </p>
      <section className="card" aria-labelledby="invite-title">
        <h2 id="invite-title">Invite someone</h2>
        <ActionForm action={inviteUserAction} label="Invite a user" className="row" shownOnceTestId="invite-link">
          <label htmlFor="invite-email">E-mail</label>
          <input id="invite-email" name="email" type="email" required />
          <label htmlFor="invite-role">Role</label>
          <RoleSelect id="invite-role" value="auditor" />
          <button type="submit">Invite</button>
        </ActionForm>
      </section>
      <section className="card" aria-labelledby="users-title">
        <h2 id="users-title">{people.length} users</h2>
        <table>
          <thead>
            <tr><th>E-mail</th><th>Signs in with</th><th>Status</th><th>Added</th><th>Role</th><th>Access</th></tr>
          </thead>
          <tbody>
            {people.map((person) => (
              <UserRow key={person.id} person={person} self={person.id === actor.id} />
            ))}
          </tbody>
        </table>
      </section>
    </>
  )
}

function UserRow({ person, self }: { person: ManagedUser; self: boolean }) {
  const status = person.disabledAt ? `disabled ${day(person.disabledAt)}` : person.invitePending && !person.hasPassword ? 'invited' : 'active'
  const via = [person.hasPassword && 'password', person.sso && 'SSO'].filter(Boolean).join(', ') || '—'
  return (
    <tr data-testid={`user-${person.email}`}>
      <td>{person.email}{self && ' (you)'}</td>
      <td>{via}</td>
      <td className={person.disabledAt ? 'bad' : ''} data-testid="status">{status}</td>
      <td>{day(person.createdAt)}</td>
      <td>
        {self ? (
          <span data-testid="role">{person.role}</span>
        ) : (
          <ActionForm action={changeRoleAction} label={`Change the role of ${person.email}`} className="row">
            <input type="hidden" name="userId" value={person.id} />
            <RoleSelect id={`role-${person.id}`} value={person.role} label={`Role of ${person.email}`} />
            <button type="submit">Change role</button>
          </ActionForm>
        )}
      </td>
      <td>
        {!self && (
          <ActionForm action={setDisabledAction} label={`Enable or disable ${person.email}`}>
            <input type="hidden" name="userId" value={person.id} />
            <input type="hidden" name="disabled" value={person.disabledAt ? 'false' : 'true'} />
            <button type="submit">{person.disabledAt ? 'Enable' : 'Disable'}</button>
          </ActionForm>
        )}
      </td>
    </tr>
  )
}

function RoleSelect({ id, value, label }: { id: string; value: string; label?: string }) {
  return (
    <select id={id} name="role" defaultValue={value} aria-label={label}>
      {roles.map((role) => (
        <option key={role} value={role}>{role}</option>
      ))}
    </select>
  )
}
