import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * Kinesis calls over Netty's HTTP/2 codec, the stack under the AWS SDK for Java v2's async client:
 * HTTP/2 by ALPN over TLS (certificate and host name checked against the given certificate file),
 * or with prior knowledge over cleartext; a 1 MiB initial stream window, as the SDK sets; PINGs
 * like the SDK's connection health check. Event streams are split into messages whose prelude
 * and message CRC32s are checked here.
 *
 * <p>Commands, one per line on stdin, tab-separated; answers one per line on stdout:
 * <ul>
 *   <li>{@code call <target> <content type> <base64 body>} → {@code answer <status> <content type> <base64 body>}
 *   <li>{@code subscribe <content type> <base64 body>} → {@code status <status> <content type>}, then
 *       {@code event <:message-type> <:event-type or :exception-type> <:content-type> <base64 payload>}
 *       per message, then {@code closed <how>} when the stream ends
 *   <li>{@code cancel} → resets the subscription's stream (as a cancelled subscriber does)
 *   <li>{@code ping} → {@code pong}
 * </ul>
 */
public class KinesisOverNetty {
  private static final String AUTHORIZATION =
      "AWS4-HMAC-SHA256 Credential=AKIDNETTY/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-target, Signature=0";
  private static final Base64.Encoder BASE64 = Base64.getEncoder();

  private static synchronized void say(String... fields) {
    System.out.println(String.join("\t", fields));
    System.out.flush();
  }

  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(args[0]);
    boolean secure = endpoint.getScheme().equals("https");
    NioEventLoopGroup group = new NioEventLoopGroup(1);
    CompletableFuture<Channel> ready = new CompletableFuture<>();
    SSLContext tls = secure ? trusting(args[1]) : null;

    Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel channel) {
        if (tls == null) {
          addHttp2(channel.pipeline());
          ready.complete(channel);
          return;
        }
        // ALPN set on the JDK's engine directly: Debian's Netty build leaves out its own ALPN
        // glue, which does the same on the JDK provider (the one the SDK uses by default).
        SSLEngine engine = tls.createSSLEngine(endpoint.getHost(), endpoint.getPort());
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
        engine.setSSLParameters(parameters);
        channel.pipeline().addLast(new SslHandler(engine), new ChannelInboundHandlerAdapter() {
          @Override
          public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (!(event instanceof SslHandshakeCompletionEvent)) {
              ctx.fireUserEventTriggered(event);
              return;
            }
            SslHandshakeCompletionEvent handshake = (SslHandshakeCompletionEvent) event;
            if (!handshake.isSuccess()) {
              ready.completeExceptionally(handshake.cause());
            } else if (!"h2".equals(engine.getApplicationProtocol())) {
              ready.completeExceptionally(new IllegalStateException("ALPN chose " + engine.getApplicationProtocol()));
            } else {
              ctx.pipeline().remove(this);
              addHttp2(ctx.pipeline());
              ready.complete(ctx.channel());
            }
          }
        });
      }
    });
    bootstrap.connect(endpoint.getHost(), endpoint.getPort()).sync();
    Channel connection = ready.get(20, TimeUnit.SECONDS);

    BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Http2StreamChannel subscription = null;
    for (String line = commands.readLine(); line != null; line = commands.readLine()) {
      String[] command = line.split("\t");
      switch (command[0]) {
        case "call":
          send(open(connection, new Unary()), endpoint, command[1], command[2], command[3]);
          break;
        case "subscribe":
          subscription = open(connection, new EventStream());
          send(subscription, endpoint, "SubscribeToShard", command[1], command[2]);
          break;
        case "cancel":
          subscription.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
          break;
        case "ping":
          connection.writeAndFlush(new DefaultHttp2PingFrame(System.nanoTime()));
          break;
        default:
          throw new IllegalArgumentException("unknown command " + command[0]);
      }
    }
    connection.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  /** A TLS context that trusts exactly the certificate in {@code certFile}. */
  private static SSLContext trusting(String certFile) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = new FileInputStream(certFile)) {
      store.setCertificateEntry("spate", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  private static void addHttp2(ChannelPipeline pipeline) {
    pipeline.addLast(
        Http2FrameCodecBuilder.forClient().initialSettings(Http2Settings.defaultSettings().initialWindowSize(1 << 20)).build(),
        new Http2MultiplexHandler(new SimpleChannelInboundHandler<Object>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, Object frame) {
            // Streams opened by the server: none expected.
          }
        }),
        new SimpleChannelInboundHandler<Http2PingFrame>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, Http2PingFrame ping) {
            if (ping.ack()) say("pong");
          }
        });
  }

  private static Http2StreamChannel open(Channel connection, SimpleChannelInboundHandler<Object> handler) throws Exception {
    return new Http2StreamChannelBootstrap(connection).handler(handler).open().get(10, TimeUnit.SECONDS);
  }

  /** Headers then body, as two frames, as the SDK writes them. */
  private static void send(Http2StreamChannel stream, URI endpoint, String target, String contentType, String body) {
    byte[] bytes = Base64.getDecoder().decode(body);
    DefaultHttp2Headers headers = new DefaultHttp2Headers();
    headers.method("POST").path("/").scheme(endpoint.getScheme()).authority(endpoint.getHost() + ":" + endpoint.getPort());
    headers.add("content-type", contentType).add("x-amz-target", "Kinesis_20131202." + target).add("authorization", AUTHORIZATION);
    headers.add("content-length", Integer.toString(bytes.length));
    stream.write(new DefaultHttp2HeadersFrame(headers, false));
    stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes), true));
  }

  /** An ordinary call: the status, the content type and the whole body on one line. */
  private static final class Unary extends SimpleChannelInboundHandler<Object> {
    private String status = "";
    private String contentType = "";
    private final ByteBuf body = Unpooled.buffer();

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object frame) {
      boolean end = false;
      if (frame instanceof Http2HeadersFrame) {
        Http2HeadersFrame headers = (Http2HeadersFrame) frame;
        status = String.valueOf(headers.headers().status());
        CharSequence type = headers.headers().get("content-type");
        contentType = type == null ? "" : type.toString();
        end = headers.isEndStream();
      } else if (frame instanceof Http2DataFrame) {
        Http2DataFrame data = (Http2DataFrame) frame;
        body.writeBytes(data.content());
        end = data.isEndStream();
      } else if (frame instanceof Http2ResetFrame) {
        say("answer", "reset", "", "");
        return;
      }
      if (end) {
        byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        say("answer", status, contentType, BASE64.encodeToString(bytes));
        ctx.close();
      }
    }
  }

  /**
   * A SubscribeToShard answer: each event-stream message as it completes, its CRCs checked. An
   * answer that is not an event stream (an error) is kept whole. One {@code closed} line per stream.
   */
  private static final class EventStream extends SimpleChannelInboundHandler<Object> {
    private final ByteBuf pending = Unpooled.buffer();
    private boolean events;
    private boolean closed;

    private void close(String how) {
      if (closed) return;
      closed = true;
      say("closed", how);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object frame) {
      if (frame instanceof Http2HeadersFrame) {
        Http2HeadersFrame headers = (Http2HeadersFrame) frame;
        CharSequence type = headers.headers().get("content-type");
        String status = String.valueOf(headers.headers().status());
        events = status.equals("200") && type != null && type.toString().equals("application/vnd.amazon.eventstream");
        say("status", status, type == null ? "" : type.toString());
        if (headers.isEndStream()) close("ended");
      } else if (frame instanceof Http2DataFrame) {
        Http2DataFrame data = (Http2DataFrame) frame;
        pending.writeBytes(data.content());
        while (events && nextMessage()) {}
        if (data.isEndStream()) {
          if (!events) {
            byte[] body = new byte[pending.readableBytes()];
            pending.readBytes(body);
            close("refused " + BASE64.encodeToString(body));
          } else {
            close(pending.isReadable() ? "ended mid-message" : "ended");
          }
        }
      } else if (frame instanceof Http2ResetFrame) {
        close("reset " + ((Http2ResetFrame) frame).errorCode());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      close("stream closed");
    }

    private boolean nextMessage() {
      if (pending.readableBytes() < 12) return false;
      int start = pending.readerIndex();
      int total = pending.getInt(start);
      int headersLength = pending.getInt(start + 4);
      if (crc(start, 8) != pending.getUnsignedInt(start + 8)) throw new IllegalStateException("prelude CRC mismatch");
      if (pending.readableBytes() < total) return false;
      if (crc(start, total - 4) != pending.getUnsignedInt(start + total - 4)) throw new IllegalStateException("message CRC mismatch");
      String messageType = "", eventType = "", contentType = "";
      int at = start + 12;
      while (at < start + 12 + headersLength) {
        int nameLength = pending.getUnsignedByte(at);
        String name = pending.toString(at + 1, nameLength, StandardCharsets.UTF_8);
        at += 1 + nameLength;
        if (pending.getByte(at) != 7) throw new IllegalStateException("header " + name + " is not a string");
        int valueLength = pending.getUnsignedShort(at + 1);
        String value = pending.toString(at + 3, valueLength, StandardCharsets.UTF_8);
        at += 3 + valueLength;
        if (name.equals(":message-type")) messageType = value;
        else if (name.equals(":event-type") || name.equals(":exception-type")) eventType = value;
        else if (name.equals(":content-type")) contentType = value;
      }
      byte[] payload = new byte[total - 16 - headersLength];
      pending.getBytes(start + 12 + headersLength, payload);
      pending.readerIndex(start + total);
      pending.discardReadBytes();
      say("event", messageType, eventType, contentType, BASE64.encodeToString(payload));
      return true;
    }

    private long crc(int from, int length) {
      CRC32 crc = new CRC32();
      byte[] bytes = new byte[length];
      pending.getBytes(from, bytes);
      crc.update(bytes);
      return crc.getValue();
    }
  }
}
