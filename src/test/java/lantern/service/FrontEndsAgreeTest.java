package lantern.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import lantern.api.lens.LensResult;
import lantern.service.cli.GenerateCommand;
import lantern.service.cli.HeadsCommand;
import lantern.service.cli.LensCommand;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * REST and the CLI are adapters of one core method: {@code POST /api/lens} and {@code lantern lens} (both
 * {@link lantern.core.Lenses#lens}), {@code POST /api/models/{m}/heads} and {@code lantern heads --json} (both
 * {@link lantern.core.HeadRoleScan#run}) give the same result on the same registered decoder, the service with its
 * held model, the command loading it for the call; so do {@code POST /api/generate} and {@code lantern generate}
 * ({@link lantern.core.TextGeneration#generate}).
 */
@QuarkusTest
@TestProfile(DecoderResourcesTest.Profile.class)
class FrontEndsAgreeTest {
    @BeforeEach
    void register() throws Exception {
        DecoderResourcesTest.registerTinyGpt2();
    }

    @Test
    void lensOverRestPrintsAsTheCommandPrints() throws Exception {
        LensResult rest = given().contentType(ContentType.JSON)
                .body("{\"model\":\"tiny-gpt2\",\"prompt\":\"the cat sat on the mat\",\"position\":-2,\"k\":4}")
                .post("/api/lens").then().statusCode(200).extract().as(LensResult.class);
        assertThat(rest.layers()).hasSize(2);
        String cli = stdout(new LensCommand(), "--model", "tiny-gpt2", "--prompt", "the cat sat on the mat",
                "--position", "-2", "--k", "4", "--data", DecoderResourcesTest.DATA.toString());
        String printed = stdout(() -> LensCommand.print(rest, 4));
        assertThat(cli).contains("model tiny-gpt2, position 4 of 6 (token 'the')").isEqualTo(printed);
    }

    @Test
    void headRolesOverRestEqualTheCommandsJson() throws Exception {
        String rest = given().contentType(ContentType.JSON).body("{\"seed\":7,\"length\":6,\"batch\":2}")
                .post("/api/models/tiny-gpt2/heads").then().statusCode(200).extract().asString();
        String cli = stdout(new HeadsCommand(), "--model", "tiny-gpt2", "--seed", "7", "--length", "6", "--batch", "2",
                "--json", "--data", DecoderResourcesTest.DATA.toString());
        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree(rest), b = json.readTree(cli);
        assertThat(a.at("/heads").size()).isEqualTo(8);
        assertThat(a.at("/heads/0/induction").isNumber()).isTrue();
        assertThat(b).isEqualTo(a);
    }

    @Test
    void generationOverRestIsTheCommandsContinuation() {
        String rest = given().contentType(ContentType.JSON)
                .body("{\"model\":\"tiny-gpt2\",\"prompt\":\"the cat\",\"maxTokens\":6,\"temperature\":0.8,\"seed\":5}")
                .post("/api/generate").then().statusCode(200).extract().path("text");
        String cli = stdout(new GenerateCommand(), "--model", "tiny-gpt2", "--prompt", "the cat", "--max-tokens", "6",
                "--temperature", "0.8", "--seed", "5", "--data", DecoderResourcesTest.DATA.toString());
        assertThat(rest).isNotBlank();
        assertThat(cli).isEqualTo(lantern.cli.DecoderCli.oneLine(rest) + System.lineSeparator());
    }

    private static String stdout(Object command, String... args) {
        int[] rc = new int[1];
        String out = stdout(() -> rc[0] = new CommandLine(command).execute(args));
        assertThat(rc[0]).as(out).isZero();
        return out;
    }

    private static String stdout(Runnable body) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            body.run();
        } finally {
            System.setOut(old);
        }
        return out.toString();
    }
}
