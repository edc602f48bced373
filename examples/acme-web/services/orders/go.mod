module github.com/acme/acme-web/services/orders

go 1.22

require (
	github.com/gin-gonic/gin v1.10.0
	github.com/segmentio/kafka-go v0.4.47
)
