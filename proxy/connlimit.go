package proxy

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxConns caps the client connections the proxy holds at once,
// across its listeners, as nginx's worker_connections does (ingress-nginx
// max-worker-connections 16384, docs/user-guide/nginx-configuration/
// configmap.md). Serve lowers it to half the process's file descriptor
// limit, so that upstream connections and files always have room.
const DefaultMaxConns = 16384

// connLimiter holds the client connections of every listener and keeps
// them at most max: a connection accepted beyond it closes the one idle
// longest, as nginx closes idle kept-alive connections when it runs out
// of connections (src/core/ngx_connection.c ngx_drain_connections), and
// when none is idle the new connection is closed at once. Accepting
// never stops, so a flood of idle connections cannot lock new clients
// out.
type connLimiter struct {
	max   int
	mu    sync.Mutex
	conns map[*limitedConn]struct{}
	// dropped counts the connections closed to make room.
	dropped atomic.Int64
}

func newConnLimiter(max int) *connLimiter {
	return &connLimiter{max: max, conns: map[*limitedConn]struct{}{}}
}

// limitedConn is a client connection the limiter holds.
type limitedConn struct {
	net.Conn
	l *connLimiter
	// idleSince is when the connection last became idle (its
	// UnixNano), 0 while a request is being served.
	idleSince atomic.Int64
	once      sync.Once
}

// CloseWrite half-closes the connection when the underlying one can.
func (c *limitedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

func (c *limitedConn) Close() error {
	c.once.Do(func() { c.l.remove(c) })
	return c.Conn.Close()
}

// setIdle marks the connection idle (waiting for a request) or active.
func (c *limitedConn) setIdle(idle bool) {
	if idle {
		c.idleSince.Store(time.Now().UnixNano())
	} else {
		c.idleSince.Store(0)
	}
}

func (l *connLimiter) remove(c *limitedConn) {
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
}

// admit wraps a new connection and makes room for it; it returns nil
// when the connection was closed because nothing is idle.
func (l *connLimiter) admit(c net.Conn) *limitedConn {
	lc := &limitedConn{Conn: c, l: l}
	lc.setIdle(true)
	var victim *limitedConn
	l.mu.Lock()
	if len(l.conns) >= l.max {
		var oldest int64
		for o := range l.conns {
			if t := o.idleSince.Load(); t != 0 && (victim == nil || t < oldest) {
				victim, oldest = o, t
			}
		}
		if victim == nil {
			l.mu.Unlock()
			l.dropped.Add(1)
			_ = c.Close()
			return nil
		}
		delete(l.conns, victim)
	}
	l.conns[lc] = struct{}{}
	l.mu.Unlock()
	if victim != nil {
		l.dropped.Add(1)
		_ = victim.Close()
	}
	return lc
}

// len returns the number of connections held.
func (l *connLimiter) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.conns)
}

// limitListener admits every accepted connection through a connLimiter.
type limitListener struct {
	net.Listener
	l *connLimiter
}

func (ln limitListener) Accept() (net.Conn, error) {
	for {
		c, err := ln.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if lc := ln.l.admit(c); lc != nil {
			return lc, nil
		}
	}
}

// limited returns the limiter's connection under c (a handed-off
// bufferedConn, a *tls.Conn), nil when there is none.
func limited(c net.Conn) *limitedConn {
	for {
		switch v := c.(type) {
		case *limitedConn:
			return v
		case *bufferedConn:
			c = v.Conn
		case interface{ NetConn() net.Conn }:
			c = v.NetConn()
		default:
			return nil
		}
	}
}
