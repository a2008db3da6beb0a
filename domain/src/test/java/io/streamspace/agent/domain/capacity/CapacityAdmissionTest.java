package io.streamspace.agent.domain.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CapacityAdmissionTest {

    private static final long GI = 1024L * 1024 * 1024;

    @Test
    void refusesBeyondTheSessionCount() {
        var admission = new CapacityAdmission(CapacityLimits.of(3, 0, 0));
        var three = List.of(new Reservation("a", 0, 0), new Reservation("b", 0, 0), new Reservation("c", 0, 0));
        assertThat(admission.admit(three, new Reservation("d", 0, 0)))
                .isEqualTo(new Admission.Refused("capacity exceeded: 3 of 3 sessions in use"));
        assertThat(admission.admit(three.subList(0, 2), new Reservation("d", 0, 0)).admitted()).isTrue();
    }

    @Test
    void refusesBeyondCpuWithTheNumbers() {
        var admission = new CapacityAdmission(CapacityLimits.of(10, 4, 0));
        var current = List.of(new Reservation("a", 2500, 0));
        assertThat(admission.admit(current, new Reservation("b", 2000, 0)))
                .isEqualTo(new Admission.Refused("capacity exceeded: session requests 2 cores, 1.5 of 4 free"));
        assertThat(admission.admit(current, new Reservation("b", 1500, 0)).admitted()).isTrue();
    }

    @Test
    void refusesBeyondMemoryWithTheNumbers() {
        var admission = new CapacityAdmission(CapacityLimits.of(10, 0, 8));
        var current = List.of(new Reservation("a", 0, 6 * GI + GI / 2));
        assertThat(admission.admit(current, new Reservation("b", 0, 2 * GI)))
                .isEqualTo(new Admission.Refused("capacity exceeded: session requests 2Gi memory, 1.5Gi of 8Gi free"));
    }

    @Test
    void unlimitedResourcesAreNotChecked() {
        var admission = new CapacityAdmission(CapacityLimits.of(2, 0, 0));
        assertThat(admission.admit(List.of(), new Reservation("a", 64_000, 512 * GI)).admitted()).isTrue();
    }
}
