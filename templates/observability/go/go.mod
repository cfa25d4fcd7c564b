module {{ app.slug }}/observability

// The standard library only (no require, no go.sum); 1.19 is the oldest Go it builds with.
go 1.19
