"""Information-sharing forms to the police (Box P; issue 12): what an interview or a worker learnt,
sent to the force(s) concerned separately from the confidential interview record, with the
lawful basis for sharing, and the force's receipt and feedback."""
