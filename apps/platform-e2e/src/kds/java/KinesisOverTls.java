import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Kinesis calls from the JDK's own HTTP client, which speaks HTTP/2 over TLS when ALPN offers it
 * and checks the server's certificate against the trust store given by -Djavax.net.ssl.trustStore.
 * One call per line on stdin: target, content type and base64 body, tab-separated. One answer per
 * line on stdout: HTTP version, status, content type and base64 body, tab-separated.
 */
public class KinesisOverTls {
  private static final String AUTHORIZATION =
      "AWS4-HMAC-SHA256 Credential=AKIDJAVA/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-target, Signature=0";

  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(args[0]);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(10)).build();
    BufferedReader calls = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Base64.Decoder decoder = Base64.getDecoder();
    Base64.Encoder encoder = Base64.getEncoder();
    for (String line = calls.readLine(); line != null; line = calls.readLine()) {
      String[] call = line.split("\t", 3);
      HttpRequest request = HttpRequest.newBuilder(endpoint)
          .timeout(Duration.ofSeconds(20))
          .header("X-Amz-Target", "Kinesis_20131202." + call[0])
          .header("Content-Type", call[1])
          .header("Authorization", AUTHORIZATION)
          .POST(HttpRequest.BodyPublishers.ofByteArray(decoder.decode(call[2])))
          .build();
      HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      System.out.println(String.join("\t",
          response.version().toString(),
          Integer.toString(response.statusCode()),
          response.headers().firstValue("content-type").orElse(""),
          encoder.encodeToString(response.body())));
      System.out.flush();
    }
  }
}
