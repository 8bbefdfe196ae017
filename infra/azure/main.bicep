// Orleans.Kms: 3 to 7 silos, one Azure confidential VM each, spread over availability zones, behind an internal
// Standard load balancer, with Azure Table/Blob storage for Orleans membership and grain state reached by private
// endpoint and managed identity. See docs/deploy-azure.md; tests/Kms.Deploy.Tests checks the compiled template.
targetScope = 'resourceGroup'

@description('Prefix of every resource name and of the silo names (letters, digits and "-").')
@minLength(3)
@maxLength(12)
param namePrefix string = 'kms'

@description('Region of every resource; it must offer the chosen confidential VM size in the zones below.')
param location string = resourceGroup().location

@description('Number of silos (one confidential VM each). With the default threshold t = 2 of 3, one zone may be down.')
@minValue(3)
@maxValue(7)
param siloCount int = 3

@description('Availability zones the silos are spread over, round robin (silo i in zones[i % length(zones)]).')
@minLength(2)
param zones array = [
  '1'
  '2'
  '3'
]

@description('Confidential VM size. SEV-SNP: DCasv5, ECasv5, DCasv6. Intel TDX: DCesv5, DCesv6 (v6: preview regions only).')
@allowed([
  'Standard_DC2as_v5'
  'Standard_DC4as_v5'
  'Standard_DC8as_v5'
  'Standard_DC16as_v5'
  'Standard_EC2as_v5'
  'Standard_EC4as_v5'
  'Standard_EC8as_v5'
  'Standard_EC16as_v5'
  'Standard_DC2as_v6'
  'Standard_DC4as_v6'
  'Standard_DC8as_v6'
  'Standard_DC16as_v6'
  'Standard_DC2es_v5'
  'Standard_DC4es_v5'
  'Standard_DC8es_v5'
  'Standard_DC16es_v5'
  'Standard_DC2es_v6'
  'Standard_DC4es_v6'
  'Standard_DC8es_v6'
  'Standard_DC16es_v6'
])
param vmSize string = 'Standard_DC4as_v5'

@description('Confidential-VM image: a marketplace Ubuntu CVM image (dev/staging) or "gallery" (galleryImageVersionId).')
@allowed([
  'ubuntu-24_04-cvm'
  'ubuntu-22_04-cvm'
  'gallery'
])
param image string = 'ubuntu-24_04-cvm'

@description('Marketplace image version; pin one (e.g. 24.04.202511200) for anything whose measurements you approve.')
param imageVersion string = 'latest'

@description('With image = "gallery": the Compute Gallery image version id (an image definition with SecurityType ConfidentialVMSupported).')
param galleryImageVersionId string = ''

@description('Optional DiskEncryptionSet (type ConfidentialVmEncryptedWithCustomerKey) for the confidential OS disk; empty = platform-managed key.')
param diskEncryptionSetId string = ''

@description('Admin user of the VMs (SSH key only; no inbound SSH is open, see docs/deploy-azure.md).')
param adminUsername string = 'kmsops'

@description('SSH public key of the admin user.')
param sshPublicKey string

@description('Orleans cluster id of the silos (letters, digits, ".", "_", "-").')
@minLength(1)
@maxLength(63)
param clusterId string

@description('Orleans service id; grain state is kept under it, so keep it across deployments.')
@minLength(1)
@maxLength(63)
param serviceId string = 'orleans-kms'

@description('HTTPS URL of the tarball infra/publish.sh writes (kms-silo-linux-x64.tar.gz); the VMs download it through the NAT gateway.')
param siloPackageUrl string

@description('SHA-256 (64 hex) of that tarball; the VM refuses any other file.')
@minLength(64)
@maxLength(64)
param siloPackageSha256 string

@description('Let each silo ask to join the committee at start (Silo:Onboarding:SubmitOnStart); needs a TEE evidence provider.')
param requestOnboarding bool = false

@description('HTTP port of the silo API (and /readyz), behind the internal load balancer.')
param apiPort int = 8080

@description('Orleans silo-to-silo port (mutual TLS).')
param siloPort int = 11111

@description('Orleans gateway port for trusted .NET clients (mutual TLS).')
param gatewayPort int = 30000

@description('Who may call the API port: a CIDR or a service tag. Default: the virtual network (and peered ones).')
param apiAllowedSourcePrefix string = 'VirtualNetwork'

@description('Address space of the virtual network.')
param vnetAddressPrefix string = '10.42.0.0/16'

@description('Subnet of the silos and the load balancer frontend.')
param siloSubnetPrefix string = '10.42.1.0/24'

@description('Subnet of the storage account private endpoints.')
param endpointSubnetPrefix string = '10.42.2.0/24'

var siloNames = [for i in range(0, siloCount): '${namePrefix}-silo${i + 1}']
var lbName = '${namePrefix}-lb'
// Azure reserves .0-.3 of a subnet: the load balancer takes .4, silo i takes .10 + i.
var lbFrontendIp = cidrHost(siloSubnetPrefix, 3)
var siloIps = [for i in range(0, siloCount): cidrHost(siloSubnetPrefix, 9 + i)]
// Storage account names are 3-24 lowercase letters and digits, unique in Azure.
var storageName = take('${toLower(replace(namePrefix, '-', ''))}st${uniqueString(resourceGroup().id, namePrefix)}', 24)
var storageSuffix = environment().suffixes.storage

// Only images published for confidential VMs ("cvm" SKUs); a gallery image must be ConfidentialVMSupported.
var marketplaceImages = {
  'ubuntu-24_04-cvm': {
    publisher: 'Canonical'
    offer: 'ubuntu-24_04-lts'
    sku: 'cvm'
    version: imageVersion
  }
  'ubuntu-22_04-cvm': {
    publisher: 'Canonical'
    offer: '0001-com-ubuntu-confidential-vm-jammy'
    sku: '22_04-lts-cvm'
    version: imageVersion
  }
}
var imageReference = image == 'gallery' ? { id: galleryImageVersionId } : marketplaceImages[image]

// What each silo is told (customData: visible to the platform and not measured, so nothing secret goes here).
var cloudInitTemplate = loadTextContent('../cloud-init/dev-user-data.yaml')
var siloUnit = loadTextContent('../systemd/kms-silo.service')
var cluster = {
  clusterId: clusterId
  serviceId: serviceId
  apiPort: apiPort
  siloPort: siloPort
  gatewayPort: gatewayPort
  requestOnboarding: requestOnboarding
}

// The silo's settings file (/etc/kms/silo.json), in the keys KmsSiloOptions binds (section "Silo"). Secrets are
// systemd credentials (LoadCredential= in kms-silo.service), never part of this file.
func siloSettings(siloName string, address string, cluster object, store object) object => {
  Silo: {
    Urls: 'http://0.0.0.0:${cluster.apiPort}'
    SiloPort: cluster.siloPort
    GatewayPort: cluster.gatewayPort
    AdvertisedAddress: address
    SiloName: siloName
    ClusterId: cluster.clusterId
    ServiceId: cluster.serviceId
    DataDirectory: '/var/lib/kms'
    StorageKeyFile: '/run/credentials/kms-silo.service/storage.key'
    Tls: {
      CertificateFile: '/run/credentials/kms-silo.service/silo.pem'
      KeyFile: '/run/credentials/kms-silo.service/silo.key'
      CaFile: '/run/credentials/kms-silo.service/cluster-ca.pem'
    }
    Store: {
      Provider: 'AzureStorage'
      Azure: {
        TableServiceUri: store.tableServiceUri
        BlobServiceUri: store.blobServiceUri
        ManagedIdentityClientId: store.managedIdentityClientId
      }
    }
    Onboarding: {
      SubmitOnStart: cluster.requestOnboarding
    }
  }
}

// Built-in role definitions (the same ids in every tenant).
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

module network 'modules/network.bicep' = {
  name: '${namePrefix}-network'
  params: {
    namePrefix: namePrefix
    location: location
    apiPort: apiPort
    siloPort: siloPort
    gatewayPort: gatewayPort
    apiAllowedSourcePrefix: apiAllowedSourcePrefix
    vnetAddressPrefix: vnetAddressPrefix
    siloSubnetPrefix: siloSubnetPrefix
    endpointSubnetPrefix: endpointSubnetPrefix
  }
}

module storage 'modules/storage.bicep' = {
  name: '${namePrefix}-storage'
  params: {
    storageName: storageName
    location: location
    vnetId: network.outputs.vnetId
    endpointSubnetId: network.outputs.endpointSubnetId
    storageSuffix: storageSuffix
  }
}

resource siloIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-silo-id'
  location: location
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageName
}

resource tableRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, siloIdentity.id, storageTableDataContributor)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    principalId: siloIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    storage
  ]
}

resource blobRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, siloIdentity.id, storageBlobDataContributor)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: siloIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    storage
  ]
}

module loadBalancer 'modules/load-balancer.bicep' = {
  name: '${namePrefix}-load-balancer'
  params: {
    lbName: lbName
    location: location
    zones: zones
    frontendIp: lbFrontendIp
    siloSubnetId: network.outputs.siloSubnetId
    apiPort: apiPort
  }
}

resource nics 'Microsoft.Network/networkInterfaces@2024-05-01' = [
  for i in range(0, siloCount): {
    name: '${siloNames[i]}-nic'
    location: location
    properties: {
      enableAcceleratedNetworking: false
      ipConfigurations: [
        {
          name: 'silo'
          properties: {
            privateIPAllocationMethod: 'Static'
            privateIPAddress: siloIps[i]
            subnet: {
              id: network.outputs.siloSubnetId
            }
            loadBalancerBackendAddressPools: [
              {
                id: loadBalancer.outputs.backendPoolId
              }
            ]
          }
        }
      ]
    }
  }
]

resource silos 'Microsoft.Compute/virtualMachines@2024-07-01' = [
  for i in range(0, siloCount): {
    name: siloNames[i]
    location: location
    zones: [
      zones[i % length(zones)]
    ]
    identity: {
      type: 'UserAssigned'
      userAssignedIdentities: {
        '${siloIdentity.id}': {}
      }
    }
    properties: {
      hardwareProfile: {
        vmSize: vmSize
      }
      securityProfile: {
        securityType: 'ConfidentialVM'
        uefiSettings: {
          secureBootEnabled: true
          vTpmEnabled: true
        }
      }
      storageProfile: {
        imageReference: imageReference
        osDisk: {
          name: '${siloNames[i]}-os'
          createOption: 'FromImage'
          caching: 'ReadWrite'
          deleteOption: 'Delete'
          managedDisk: {
            storageAccountType: 'Premium_LRS'
            // Never NonPersistedTPM: it discards the vTPM state at every boot, and with it the silo's sealed key share.
            securityProfile: {
              securityEncryptionType: 'DiskWithVMGuestState'
              diskEncryptionSet: empty(diskEncryptionSetId) ? null : { id: diskEncryptionSetId }
            }
          }
        }
      }
      osProfile: {
        computerName: siloNames[i]
        adminUsername: adminUsername
        customData: base64(replace(replace(replace(replace(
          cloudInitTemplate,
          '__KMS_SILO_CONFIG_B64__', base64(string(siloSettings(siloNames[i], siloIps[i], cluster, {
            tableServiceUri: storage.outputs.tableServiceUri
            blobServiceUri: storage.outputs.blobServiceUri
            managedIdentityClientId: siloIdentity.properties.clientId
          })))),
          '__KMS_SILO_UNIT_B64__', base64(siloUnit)),
          '__KMS_SILO_PACKAGE_URL__', siloPackageUrl),
          '__KMS_SILO_PACKAGE_SHA256__', toLower(siloPackageSha256)))
        allowExtensionOperations: false
        linuxConfiguration: {
          disablePasswordAuthentication: true
          provisionVMAgent: true
          ssh: {
            publicKeys: [
              {
                path: '/home/${adminUsername}/.ssh/authorized_keys'
                keyData: sshPublicKey
              }
            ]
          }
        }
      }
      networkProfile: {
        networkInterfaces: [
          {
            id: nics[i].id
            properties: {
              deleteOption: 'Delete'
            }
          }
        ]
      }
      diagnosticsProfile: {
        bootDiagnostics: {
          enabled: true
        }
      }
    }
    dependsOn: [
      tableRole
      blobRole
    ]
  }
]

@description('Private address of the API (internal load balancer frontend).')
output apiAddress string = 'http://${lbFrontendIp}:${apiPort}'

@description('Names of the silo VMs (each is also its Orleans silo name).')
output siloNames array = siloNames

@description('Private addresses of the silos.')
output siloAddresses array = siloIps

@description('Storage account of Orleans membership and grain state.')
output storageAccountName string = storageName

@description('Client id of the managed identity the silos use for storage.')
output siloIdentityClientId string = siloIdentity.properties.clientId
