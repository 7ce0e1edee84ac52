// nfqdelay holds every packet an NFQUEUE hands it for a fixed time, then lets it through: a userspace
// delay for the network matrix (tests/networks), since this kernel has no netem. Run it inside the
// namespace whose iptables rules send packets to the queue (`-j NFQUEUE --queue-num N --queue-bypass`).
//
//	nfqdelay -queue 7 -delay 150ms
//
// It prints "ready" once bound to the queue, and exits on SIGTERM/SIGINT (the rules' --queue-bypass then
// lets traffic through undelayed). Every packet is released after the delay; none is dropped or reordered
// beyond what equal delays do.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	nfqueue "github.com/florianl/go-nfqueue/v2"
)

func main() {
	queue := flag.Uint("queue", 7, "NFQUEUE number")
	delay := flag.Duration("delay", 150*time.Millisecond, "how long each packet is held")
	flag.Parse()

	nf, err := nfqueue.Open(&nfqueue.Config{
		NfQueue:      uint16(*queue),
		MaxPacketLen: 128, // only metadata is needed: the verdict keeps the packet as the kernel has it
		MaxQueueLen:  8192,
		Copymode:     nfqueue.NfQnlCopyPacket,
		WriteTimeout: 50 * time.Millisecond,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "nfqdelay: open:", err)
		os.Exit(1)
	}
	defer nf.Close()

	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer cancel()

	onPacket := func(a nfqueue.Attribute) int {
		if a.PacketID == nil {
			return 0
		}
		id := *a.PacketID
		time.AfterFunc(*delay, func() { _ = nf.SetVerdict(id, nfqueue.NfAccept) })
		return 0
	}
	onError := func(e error) int {
		if ctx.Err() != nil {
			return 1
		}
		fmt.Fprintln(os.Stderr, "nfqdelay:", e)
		return 0
	}
	if err := nf.RegisterWithErrorFunc(ctx, onPacket, onError); err != nil {
		fmt.Fprintln(os.Stderr, "nfqdelay: register:", err)
		os.Exit(1)
	}
	fmt.Println("ready")
	<-ctx.Done()
}
