// Package greeter greets someone by name.
package greeter

// Greet says hello to name.
func Greet(name string) string {
	return "Hello, " + name + "!"
}
