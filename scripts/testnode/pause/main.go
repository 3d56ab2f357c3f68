// The pod sandbox's pause process for the test node: holds the pod's namespaces
// and exits on SIGINT/SIGTERM. Built into an image FROM scratch, since the test
// node cannot pull registry.k8s.io/pause.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}
