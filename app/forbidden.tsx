export default function Forbidden() {
  return (
    <section className="card narrow">
      <h1>Not allowed</h1>
      <p role="alert">Your role does not allow this page or action. Ask a Custody admin if you need it.</p>
      <p><a href="/">Back to the overview</a></p>
    </section>
  )
}
