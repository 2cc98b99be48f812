// Package archtest holds the test that keeps digigov's dependency direction:
// domains import only lower domains and platform; platform imports no
// domain; web never imports store; nothing imports app or cmd.
package archtest
