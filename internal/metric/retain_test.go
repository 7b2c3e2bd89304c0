package metric

// release releases the states that hold Arrow memory (idempotent).
func release(states ...State) {
	for _, s := range states {
		if r, ok := s.(Releaser); ok {
			r.Release()
		}
	}
}
