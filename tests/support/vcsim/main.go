// Command vcsim starts govmomi's vCenter simulator with a chosen inventory size, for Parcimonie's
// collector tests and benchmark.
//
// Build (Debian packages golang-go and golang-github-vmware-govmomi-dev):
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go build -o vcsim ./tests/support/vcsim
//
// With -tls, it creates a private CA, serves a certificate that CA signed for 127.0.0.1 and
// localhost, and writes the CA certificate (PEM) to -ca-out so a client can verify the server.
// Once listening it prints one line "VCSIM_URL=<url>" on standard output, then serves until
// SIGINT or SIGTERM.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"fmt"
	"io/ioutil"
	"log"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
)

func newCertificate(template, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) ([]byte, *ecdsa.PrivateKey) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	signer := parentKey
	if signer == nil {
		signer = key
		parent = template
	}
	der, err := x509.CreateCertificate(rand.Reader, template, parent, &key.PublicKey, signer)
	if err != nil {
		log.Fatal(err)
	}
	return der, key
}

// serverTLS makes a CA and a server certificate it signed; returns the TLS config and the CA PEM.
func serverTLS() (*tls.Config, []byte) {
	now := time.Now()
	caTemplate := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "vcsim test CA", Organization: []string{"Parcimonie tests"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, caKey := newCertificate(caTemplate, nil, nil)
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		log.Fatal(err)
	}
	leafTemplate := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
	}
	leafDER, leafKey := newCertificate(leafTemplate, caCert, caKey)
	config := &tls.Config{Certificates: []tls.Certificate{{
		Certificate: [][]byte{leafDER, caDER},
		PrivateKey:  leafKey,
	}}}
	return config, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
}

func main() {
	nDatacenters := flag.Int("dc", 1, "number of datacenters")
	nClusters := flag.Int("cluster", 1, "clusters per datacenter")
	nHosts := flag.Int("host", 3, "hosts per cluster")
	nStandalone := flag.Int("standalone-host", 0, "standalone hosts per datacenter")
	nVMsPerHost := flag.Int("vm", 2, "VMs per host (placed on the cluster's hosts by the simulator)")
	nDatastores := flag.Int("ds", 1, "datastores per datacenter")
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	useTLS := flag.Bool("tls", false, "serve HTTPS with a certificate signed by a fresh private CA")
	caOut := flag.String("ca-out", "", "with -tls: file to write the CA certificate (PEM) to")
	user := flag.String("user", "", "the only user name accepted (default: any non-empty)")
	password := flag.String("password", "", "the only password accepted, with -user")
	flag.Parse()

	model := simulator.VPX()
	model.Datacenter = *nDatacenters
	model.Cluster = *nClusters
	model.ClusterHost = *nHosts
	model.Host = *nStandalone
	model.Datastore = *nDatastores
	// The simulator creates Machine VMs per resource pool (one per cluster and standalone host).
	model.Machine = *nVMsPerHost * *nHosts
	model.Portgroup = 0
	model.Autostart = true
	if err := model.Create(); err != nil {
		log.Fatal(err)
	}
	defer model.Remove()

	model.Service.Listen = &url.URL{Host: *listen}
	if *user != "" {
		model.Service.Listen.User = url.UserPassword(*user, *password)
	}
	if *useTLS {
		config, caPEM := serverTLS()
		model.Service.TLS = config
		if *caOut != "" {
			if err := ioutil.WriteFile(*caOut, caPEM, 0o644); err != nil {
				log.Fatal(err)
			}
		}
	}
	server := model.Service.NewServer()
	defer server.Close()

	shown := *server.URL
	shown.User = nil
	fmt.Printf("VCSIM_URL=%s\n", shown.String())
	os.Stdout.Sync()

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	<-signals
}
