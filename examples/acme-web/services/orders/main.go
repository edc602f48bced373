// Command orders is the demo backend: an HTTP API for orders that publishes
// an event to Kafka for every order placed.
package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/segmentio/kafka-go"
)

type PlaceOrder struct {
	CustomerID string `json:"customer_id" binding:"required"`
	SKU        string `json:"sku" binding:"required"`
	Quantity   int    `json:"quantity" binding:"required,min=1,max=100"`
}

type OrderPlaced struct {
	OrderID    string    `json:"order_id"`
	CustomerID string    `json:"customer_id"`
	SKU        string    `json:"sku"`
	Quantity   int       `json:"quantity"`
	PlacedAt   time.Time `json:"placed_at"`
}

func main() {
	writer := &kafka.Writer{
		Addr:         kafka.TCP(getenv("KAFKA_BROKERS", "localhost:9092")),
		Topic:        "orders.placed",
		Balancer:     &kafka.Hash{},
		RequiredAcks: kafka.RequireAll,
	}
	defer writer.Close()

	router := gin.New()
	router.Use(gin.Recovery())
	router.GET("/health", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	router.POST("/api/v1/orders", func(c *gin.Context) {
		var cmd PlaceOrder
		if err := c.ShouldBindJSON(&cmd); err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"error": gin.H{"code": "invalid_body", "message": err.Error()}})
			return
		}
		event := OrderPlaced{OrderID: newID(), CustomerID: cmd.CustomerID, SKU: cmd.SKU, Quantity: cmd.Quantity, PlacedAt: time.Now().UTC()}
		payload, _ := json.Marshal(event)
		msg := kafka.Message{Key: []byte(event.CustomerID), Value: payload}
		if err := writer.WriteMessages(c.Request.Context(), msg); err != nil {
			slog.Error("publish order", "order_id", event.OrderID, "err", err)
			c.JSON(http.StatusServiceUnavailable, gin.H{"error": gin.H{"code": "unavailable", "message": "try again"}})
			return
		}
		c.JSON(http.StatusCreated, event)
	})

	server := &http.Server{Addr: ":8080", Handler: router, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = server.ListenAndServe() }()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = server.Shutdown(shutdown)
}

func newID() string { return time.Now().UTC().Format("20060102T150405.000000000") }

func getenv(key, fallback string) string {
	if value, ok := os.LookupEnv(key); ok {
		return value
	}
	return fallback
}
