/** Typed access to the SE vectors in test/vectors/ (CBKE Annex C, ECQV; see their "source" fields). */
import { loadVectors } from "./vectors.js";

export interface AnnexCSide {
  ieee: string;
  certificate: string;
  static_private_key: string;
  static_public_key: string;
  ephemeral_private_key: string;
  ephemeral_public_key: string;
}

export interface AnnexC {
  curve: "sect163k1" | "sect283k1";
  ca_public_key: string;
  ca_issuer: string;
  initiator_u: AnnexCSide;
  responder_v: AnnexCSide;
  shared_secret_z: string;
  mac_key: string;
  key_data: string;
  mac_u: string;
  mac_v: string;
  mac_v_message?: string;
}

export interface EcqvVector {
  id: string;
  ca_public_key: string;
  certificate: string;
  private_key: string;
  public_key?: string;
}

export function annexC(suite: 1 | 2): AnnexC {
  return loadVectors<AnnexC>(`cbke_suite${suite}_annex_c.json`);
}

export function ecqvVectors(suite: 1 | 2): EcqvVector[] {
  return loadVectors<{ vectors: EcqvVector[] }>(`ecqv_suite${suite}.json`).vectors;
}
