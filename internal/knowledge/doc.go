// Package knowledge is the 12345 hotline's knowledge base (知识库): answers
// an operator can give a caller at once, filed by event category, in
// Chinese and English. Administrators and dispatchers (knowledge.edit)
// add, edit and retire entries, each change audited; operators (anyone who
// may report events) search it by keyword and category from the hotline
// desk and answer from it. A new node is seeded with a set of answers, one
// or more per top-level category (seed.go).
package knowledge
