/** Pass or exception against a threshold, in words and a symbol, never by colour alone. */
export function Verdict({ pass, rule }: { pass: boolean; rule: string }) {
  return (
    <span className="verdict-line">
      <span className={`verdict ${pass ? 'pass' : 'exception'}`} data-verdict={pass ? 'pass' : 'exception'}>
        {pass ? '✓ Pass' : '✕ Exception'}
      </span>{' '}
      <span className="rule">{rule}</span>
    </span>
  )
}
