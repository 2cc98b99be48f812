package workday

// EmbeddedText gives the external tests the embedded file.
func EmbeddedText() []byte { return calendarTxt }
